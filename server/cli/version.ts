// kindlab's version, stamped into the bundle by the build (esbuild `define`).
declare const __KINDLAB_VERSION__: string | undefined

export const VERSION: string = typeof __KINDLAB_VERSION__ === 'string' ? __KINDLAB_VERSION__ : '0.0.0-dev'
