import { z } from 'zod';
import { sizeSchema } from './size';

/** Kubernetes placement of the cluster (used when `target: kubernetes`). */
export const kubernetesSpec = z.strictObject({
  /** Namespace for every object. @default rabbitmq */
  namespace: z.string().regex(/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, { error: 'must be a DNS label (lowercase letters, digits, -)' }).default('rabbitmq'),
  /** Create the namespace, or use an existing one. @default true */
  createNamespace: z.boolean().default(true),
  /** Type of the client Service. @default ClusterIP */
  serviceType: z.enum(['ClusterIP', 'LoadBalancer', 'NodePort']).default('ClusterIP'),
  /** Persistent volume per node. @default { size: 10Gi } */
  storage: z
    .strictObject({
      /** @default 10Gi */
      size: sizeSchema.default(10 * 1024 ** 3),
      /** @default - the cluster's default StorageClass */
      storageClass: z.string().optional(),
    })
    .prefault({}),
});

export type KubernetesSpec = z.output<typeof kubernetesSpec>;
