import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import type { HubConfig } from '@hub/config';

/** Paths the API answers itself; every other GET is the staff page (apps/web). */
const API_PATHS = /^\/(v1|docs|docs-json|docs-yaml|health|ready|metrics)(\/|$)/;

export const isStaffPagePath = (path: string): boolean => !API_PATHS.test(path);

/** The repository (or installed package) root: the folder of the nearest package.json. */
function packageRoot(from: string): string {
  let dir = from;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
}

/** Where `npm run build:web` puts the staff page (HUB_WEB_DIR elsewhere). */
export const staffPageDir = (config?: HubConfig): string =>
  config?.http.webDir ?? join(packageRoot(__dirname), 'dist', 'web');

/**
 * The page's Content-Security-Policy: its own scripts, styles and images only; inline styles
 * because the component library (antd) writes its CSS at run time; API calls to this origin.
 */
export const staffPageHeaders = () =>
  helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });

/**
 * Serves the built staff page at /: its files, and index.html for its client-side routes
 * (/residents/…). Static files of our own bundle: no personal data, so no access rule; what the
 * page shows comes from /v1 with the user's token. Written here rather than with
 * @nestjs/serve-static, whose error handler answers 404 for any error on the API's paths (a 413
 * for a push over the size limit among them).
 */
export function serveStaffPage(app: NestExpressApplication, config: HubConfig): void {
  const dir = staffPageDir(config);
  const index = join(dir, 'index.html');
  // Built files carry a content hash in their names: cached a day; index.html never.
  app.useStaticAssets(dir, { index: false, maxAge: '1d', fallthrough: true });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' || !isStaffPagePath(req.path)) return next();
    if (!existsSync(index)) {
      res
        .status(404)
        .type('text/plain; charset=utf-8')
        .send('The staff page is not built: run `npm run build:web` (npm start does).');
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(index);
  });
}
