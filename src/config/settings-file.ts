// Reads `.cody/settings.ts` alone: the one file every command may need before the rest of the project
// (names, env bindings, targets). Validated like any DSL file.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { evaluateFile } from "./evaluate-file";
import { CODY_DIR } from "./project-root";
import { settingsSchema, type SettingsInput } from "./schema";
import { validate } from "./validate";

export async function loadSettings(root: string): Promise<{ settings: SettingsInput; file?: string; dependencies: string[] }> {
  const file = join(root, CODY_DIR, "settings.ts");
  if (!existsSync(file)) return { settings: {}, dependencies: [] };
  const { value, dependencies } = await evaluateFile(file, root, "defineSettings");
  return { settings: validate(settingsSchema, value, file), file, dependencies };
}
