// The settings schema as every process uses it: contributes.configuration.properties as generated from the
// declaration (schema.ts, manifest.ts), not read back from package.json (which a test keeps identical), so
// the host, the trainer and the CLI check with the same object and need no file at run time.
import { configurationProperties } from './manifest';
import type { SettingSchema } from './settingsSchema';

let cached: Record<string, SettingSchema> | undefined;

export function packagedSettingsSchema(): Record<string, SettingSchema> {
  cached ??= configurationProperties() as unknown as Record<string, SettingSchema>;
  return cached;
}
