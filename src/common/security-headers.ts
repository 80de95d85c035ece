/**
 * Security headers on every answer (errors and 404s included). One Content-Security-Policy serves both the JSON API
 * and Swagger UI at /docs, which loads its scripts and styles from this origin and has an inline <style> block; no
 * `upgrade-insecure-requests`, which would break /docs served over plain HTTP. Strict-Transport-Security is sent
 * always (browsers ignore it over plain HTTP, and behind a TLS-terminating proxy the app cannot always tell), without
 * includeSubDomains: the bureau's other hosts are not this service's to decide.
 */
export const SECURITY_HEADERS = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      fontSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      imgSrc: ["'self'", 'data:'],
      objectSrc: ["'none'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
    },
  },
  crossOriginOpenerPolicy: { policy: 'same-origin' },
  referrerPolicy: { policy: 'no-referrer' },
  strictTransportSecurity: { maxAge: 31536000, includeSubDomains: false },
  xContentTypeOptions: true,
  xFrameOptions: { action: 'deny' },
  xPoweredBy: true,
} as const;
