/** Version of disnix-ts, shown by every tool's --version. */
export const VERSION = '0.1.0'
/** Version of the original whose formats and behaviour we follow. */
export const DISNIX_COMPAT_VERSION = '0.10.3'
export const DYSNOMIA_COMPAT_VERSION = '0.10.2'
