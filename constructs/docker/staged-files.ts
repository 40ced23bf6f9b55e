import type { ContainerUpload } from '@cdktf/provider-docker/lib/container';
import type { RenderedFile, SecretName } from '../../plan/files';
import { toTerraformText } from '../private/terraform-text';

/** Where secret-bearing files are uploaded (root-only) before the start script installs them. */
export const STAGING_DIR = '/etc/rabbitmq/rmq-ha';

/** A file that holds a secret: staged root-only, then installed for the service user at start. */
export interface StagedFile {
  readonly stagedPath: string;
  readonly finalPath: string;
  readonly mode: string;
}

/** Result of placing files into a container: the uploads and the install steps for secret files. */
export interface PlacedFiles {
  readonly uploads: ContainerUpload[];
  readonly staged: StagedFile[];
}

/**
 * Turns rendered files into container uploads (files are copied into the container, not
 * bind-mounted from the workstation). Plain files go to their path, readable; files with secrets go
 * to STAGING_DIR with mode 0400 and are listed for the start script.
 */
export function placeFiles(files: readonly RenderedFile[], secretToken: (name: SecretName) => string): PlacedFiles {
  const uploads: ContainerUpload[] = [];
  const staged: StagedFile[] = [];
  for (const f of files) {
    const content = toTerraformText(f.content, secretToken);
    if (f.sensitive) {
      const stagedPath = `${STAGING_DIR}/${f.name}`;
      uploads.push({ file: stagedPath, content, permissions: '0400' });
      staged.push({ stagedPath, finalPath: f.path, mode: '0400' });
    } else {
      uploads.push({ file: f.path, content, permissions: '0444' });
    }
  }
  return { uploads, staged };
}

/**
 * Shell lines (run as root before the image's entrypoint drops to the service user) that install
 * staged secret files owned by `owner`.
 */
export function installStagedScript(staged: readonly StagedFile[], owner: string): string[] {
  return staged.map((s) => `install -o ${owner} -g ${owner} -m ${s.mode} ${s.stagedPath} ${s.finalPath}`);
}
