declare const __PEREEZD_VERSION__: string | undefined;

/** The app version, injected at build time (scripts/build.mjs); `0.0.0-dev` when run from source. */
export const VERSION: string = typeof __PEREEZD_VERSION__ === 'string' ? __PEREEZD_VERSION__ : '0.0.0-dev';
