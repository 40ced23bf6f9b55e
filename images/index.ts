/** Stand-in images built from Debian packages (see images/README.md). */
export { ensureImages, imageCacheDir, recipeKey, RECIPE_LABEL, upstreamVersion } from './build';
export type { StandinImages } from './build';
export { IMAGE_CONFIGS, PACKAGES } from './recipe';
export type { ImageConfig } from './recipe';
