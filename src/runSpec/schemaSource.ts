// The settings schema outside VS Code: package.json's contributes.configuration.properties, read from the
// package.json of this extension (found by walking up from this file: dist/, out/src/runSpec/, src/runSpec/).
// The extension itself gets the same object from context.extension.packageJSON. One table of types
// and ranges for the settings, the CLI's flags and spec files (src/runSpec/rules.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { SettingSchema } from './settingsSchema';

const PACKAGE_NAME = 'radam-lab';
let cached: Record<string, SettingSchema> | undefined;

export function packagedSettingsSchema(): Record<string, SettingSchema> {
  if (cached) return cached;
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    const file = path.join(dir, 'package.json');
    try {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (pkg?.name === PACKAGE_NAME && pkg.contributes?.configuration?.properties) {
        cached = pkg.contributes.configuration.properties as Record<string, SettingSchema>;
        return cached;
      }
    } catch {
      /* not here */
    }
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  throw new Error(`cannot find the ${PACKAGE_NAME} package.json (settings schema) above ${__dirname}`);
}
