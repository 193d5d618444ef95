// Default bounds of the YAML safety profile. Each can be lowered or raised per
// call; they exist so a hostile or accidental file costs little time and memory.

/** Largest file read, in bytes (checked before the file is read). */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;
/** Largest repository read, in bytes of YAML (checked before any file is parsed). */
export const DEFAULT_MAX_REPO_BYTES = 128 * 1024 * 1024;
/** Deepest nesting of collections (maps and sequences) in one document. */
export const DEFAULT_MAX_DEPTH = 64;
/** Most alias nodes (`*name`) in one document. */
export const DEFAULT_MAX_ALIASES = 100;
/** Most nodes all aliases of one document may expand to together (stops "billion laughs"). */
export const DEFAULT_MAX_ALIAS_EXPANSION = 100_000;

/**
 * Characters YAML 1.2 does not allow raw in a file (outside its printable set,
 * §5.1): C0 controls other than tab, line feed and carriage return, DEL, C1
 * controls other than NEL, and the non-characters U+FFFE/U+FFFF. A NUL that
 * slipped into a scalar would otherwise travel to the server and every SDK.
 * Written as an escape in a double-quoted scalar ("\0") they are fine.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
export const NON_PRINTABLE = /[\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x84\x86-\x9F\uFFFE\uFFFF]/;
