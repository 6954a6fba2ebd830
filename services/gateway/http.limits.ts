/**
 * Limits of what people type, in code points (`[...text].length`, as the schemas count). The web
 * app imports these to show the rules before a submit, so keep this file free of imports.
 */
export const PASSWORD_MIN_CHARS = 8;
export const PASSWORD_MAX_CHARS = 200;
export const DISPLAY_NAME_MAX_CHARS = 100;
/** A conversation title; the database column holds 200. */
export const TITLE_MAX_CHARS = 100;
/** The default of MESSAGE_MAX_CHARS; a gateway configured otherwise names its limit in `field_too_long`. */
export const MESSAGE_MAX_CHARS_DEFAULT = 4000;
