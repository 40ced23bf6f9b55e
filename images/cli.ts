/**
 * `npm run e2e:images`: builds or reuses the stand-in images and prints `rabbitmq=IMAGE`,
 * `haproxy=IMAGE`, `nginx=IMAGE` (progress goes to stderr). Uses DOCKER_HOST when set, else starts
 * the private engine (engine/).
 */
import { engineUp } from '../engine';
import { ensureImages } from './build';

async function main(): Promise<void> {
  const dockerHost = process.env.DOCKER_HOST || (await engineUp()).dockerHost;
  const images = await ensureImages(dockerHost);
  console.log(`rabbitmq=${images.rabbitmq}`);
  console.log(`haproxy=${images.haproxy}`);
  console.log(`nginx=${images.nginx}`);
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(`error: ${e instanceof Error ? e.message : String(e)}`);
    process.exit(1);
  },
);
