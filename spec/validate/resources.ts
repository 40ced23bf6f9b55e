import type { ClusterSpec } from '../cluster';
import type { SpecIssue } from '../errors';

const MiB = 1024 ** 2;
const TiB = 1024 ** 4;

/**
 * Bounds RabbitMQ, Docker and Kubernetes can run with, each with its reason. A size is bytes
 * after parsing (`2GiB` -> 2147483648).
 */
export const RESOURCE_BOUNDS = {
  /** Below ~256 MiB a node cannot boot its schema store and stay under its own watermark; Docker reads 0 as "unlimited". */
  memoryMin: 256 * MiB,
  /** More than any host offers; and Docker's limit is an int64 of bytes (1e30 overflows it). */
  memoryMax: 64 * TiB,
  /** Docker refuses CPU limits below 0.01; a node below 0.1 CPU misses its own heartbeats. */
  cpusMin: 0.1,
  /** Linux `fs.nr_open` default: runc cannot raise RLIMIT_NOFILE above it ("error setting rlimit type 7"). */
  fileDescriptorsMax: 1048576,
  /** Any byte count written to Terraform JSON must be an exact integer (beyond 2^53 it prints as 1e+30). */
  bytesMax: Number.MAX_SAFE_INTEGER,
} as const;

const gib = (b: number): string => (b >= 1024 ** 3 ? `${(b / 1024 ** 3).toFixed(1)} GiB` : `${Math.round(b / MiB)} MiB`);

/** Memory, CPU, file descriptors and the watermark/disk sizes against RESOURCE_BOUNDS. */
export function resourceIssues(spec: ClusterSpec): SpecIssue[] {
  const issues: SpecIssue[] = [];
  const r = spec.resources;
  if (r.memory < RESOURCE_BOUNDS.memoryMin) {
    issues.push({ path: 'resources.memory', value: r.memory, message: `is ${r.memory} bytes; a RabbitMQ node needs at least 256MiB (0 would mean no limit to Docker); give e.g. 2GiB` });
  } else if (r.memory > RESOURCE_BOUNDS.memoryMax) {
    issues.push({ path: 'resources.memory', value: r.memory, message: 'is more than 64TiB, beyond any host and what Docker can hold; give e.g. 8GiB' });
  }
  if (r.cpus < RESOURCE_BOUNDS.cpusMin) issues.push({ path: 'resources.cpus', value: r.cpus, message: 'must be at least 0.1 CPU (Docker refuses less than 0.01; a node below 0.1 misses its heartbeats)' });
  if (r.fileDescriptors !== undefined && r.fileDescriptors > RESOURCE_BOUNDS.fileDescriptorsMax) {
    issues.push({ path: 'resources.fileDescriptors', value: r.fileDescriptors, message: `must be at most ${RESOURCE_BOUNDS.fileDescriptorsMax} (Linux fs.nr_open; the container would not start)` });
  }
  const wm = spec.rabbitmq.memoryHighWatermark;
  if ('absolute' in wm && r.memory >= RESOURCE_BOUNDS.memoryMin && wm.absolute >= r.memory) {
    issues.push({ path: 'rabbitmq.memoryHighWatermark.absolute', value: wm.absolute, message: `is not below the container memory limit (${gib(r.memory)}): the kernel would kill the node before the alarm; use { relative: 0.6 } or less than the limit` });
  }
  const disk = spec.rabbitmq.diskFreeLimit;
  if ('absolute' in disk && disk.absolute > RESOURCE_BOUNDS.bytesMax) {
    issues.push({ path: 'rabbitmq.diskFreeLimit.absolute', value: disk.absolute, message: 'is larger than any disk (and than 2^53 bytes, which Terraform and RabbitMQ cannot hold exactly); give e.g. 2GB' });
  }
  if (spec.kubernetes.storage.size > RESOURCE_BOUNDS.bytesMax) {
    issues.push({ path: 'kubernetes.storage.size', value: spec.kubernetes.storage.size, message: 'is larger than 2^53 bytes, which Terraform cannot hold exactly; give e.g. 100Gi' });
  }
  return issues;
}
