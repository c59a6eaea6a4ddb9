import express, { NextFunction, Request, Response } from 'express';
import fs from 'fs';
import helmet from 'helmet';
import path from 'path';
import type { NestExpressApplication } from '@nestjs/platform-express';

/** URL prefix of the mobile web app (H5); the API stays under /api/v1. */
export const WEB_APP_PATH = '/app';

/** dist-web/ next to package.json, wherever this file runs from (src/ under ts-jest, dist/src/ when built). */
export function defaultWebAppDir(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return path.join(dir, 'dist-web');
}

/**
 * Serves the built web app under /app: hashed assets with a long cache, every other path under
 * /app answers index.html (the app routes with the History API, so /app/t/<code> from a QR code
 * must load the app). Plain Express middleware, so it never touches /api/v1, /docs or /admin/queues.
 */
export function serveWebApp(app: NestExpressApplication, dir = process.env.WEB_APP_DIR || defaultWebAppDir()): void {
  const indexFile = path.join(dir, 'index.html');
  // The global helmet() runs without a CSP because the Swagger UI at /docs needs inline scripts;
  // the web app needs none, so its pages get a strict one: only its own scripts, styles inline
  // (Vant sets style attributes), API calls to the same origin.
  const csp = helmet.contentSecurityPolicy({
    useDefaults: true,
    directives: {
      'default-src': ["'self'"],
      'script-src': ["'self'"],
      'style-src': ["'self'", "'unsafe-inline'"],
      'img-src': ["'self'", 'data:', 'blob:'],
      'font-src': ["'self'", 'data:'],
      'connect-src': ["'self'"],
      'upgrade-insecure-requests': null,
    },
  });
  const assets = express.static(dir, {
    index: false,
    fallthrough: true,
    setHeaders: (res, file) => {
      res.setHeader('Cache-Control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  app.use(WEB_APP_PATH, csp, assets, (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // A missing hashed asset is a real 404 (an old tab after a deploy), not the app's page.
    if (req.path.startsWith('/assets/')) return res.status(404).type('text/plain').send('Not found');
    if (!fs.existsSync(indexFile)) {
      return res.status(404).type('text/plain; charset=utf-8').send('网页应用尚未构建：请运行 npm run build。The web app is not built: run npm run build.');
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  });
}
