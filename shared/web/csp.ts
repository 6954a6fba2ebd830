/**
 * The browser app's Content-Security-Policy: no inline scripts or styles, everything from the
 * page's own origin. The gateway (and CloudFront) send it as a header; the page repeats it in a
 * <meta> tag, where browsers ignore `frame-ancestors`, so that tag leaves it out.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'self'",
  "form-action 'self'",
].join('; ');

export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');
