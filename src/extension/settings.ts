import * as vscode from 'vscode';
import type { Config, ConfigProblem } from '../core/config';
import { CONFIG_FILE } from '../core/configFile';

export const SECTION = 'deployReadiness';

/** Editor settings, read through one typed accessor. */
export interface EditorSettings {
  enable: boolean;
  lintOnType: boolean;
  debounceMs: number;
  base: string;
  migrationsDialect: 'auto' | 'postgres' | 'mysql';
  postgresVersion: number;
  envExampleFiles: string[];
}

export function readSettings(scope?: vscode.ConfigurationScope): EditorSettings {
  const c = vscode.workspace.getConfiguration(SECTION, scope);
  return {
    enable: c.get('enable', true),
    lintOnType: c.get('lintOnType', true),
    debounceMs: Math.max(0, c.get('debounceMs', 300)),
    base: c.get('base', ''),
    migrationsDialect: c.get('migrations.dialect', 'auto'),
    postgresVersion: c.get('migrations.postgresVersion', 16),
    envExampleFiles: c.get('env.exampleFiles', []),
  };
}

/**
 * The GitHub Enterprise API URL from the user's own settings only (the setting has application
 * scope; a workspace or folder value is ignored even if present): a repository never chooses where
 * the GitHub token goes.
 */
export function githubEnterpriseUrl(): string | undefined {
  const v = vscode.workspace.getConfiguration(SECTION).inspect<string>('githubEnterpriseUrl')?.globalValue;
  return typeof v === 'string' && v.trim() ? v.trim() : undefined;
}

export interface ProjectConfig {
  config: Config;
  problems: ConfigProblem[];
  /** True when the repository has a .deploy-readiness.yaml. */
  fromFile: boolean;
}

/**
 * The effective config: built-in defaults, then the user's settings, then the repository's
 * `.deploy-readiness.yaml`, which the CLI reads too and which always wins, so editor and CI agree.
 */
export async function loadProjectConfig(folder: vscode.Uri, s: EditorSettings): Promise<ProjectConfig> {
  const uri = vscode.Uri.joinPath(folder, CONFIG_FILE);
  let text: string | undefined;
  try {
    text = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch {
    text = undefined;
  }
  // Loaded on the first analysis, not at activation: the YAML parser is most of the host bundle's start-up.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseConfig } = require('./lazy') as typeof import('./lazy');
  const loaded = parseConfig(text ?? '', CONFIG_FILE);
  const raw = text ? (safeKeys(text) ?? {}) : {};
  const c = loaded.config;
  if (!raw.base && s.base) c.base = s.base;
  const mig = (raw.migrations ?? {}) as Record<string, unknown>;
  if (mig.dialect === undefined && s.migrationsDialect !== 'auto') c.migrations.dialect = s.migrationsDialect;
  if (mig.postgresVersion === undefined) c.migrations.postgresVersion = s.postgresVersion;
  const env = (raw.env ?? {}) as Record<string, unknown>;
  if (env.exampleFiles === undefined && s.envExampleFiles.length) c.env.exampleFiles = s.envExampleFiles;
  return { config: c, problems: loaded.problems, fromFile: text !== undefined };
}

function safeKeys(text: string): Record<string, unknown> | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const v = (require('./lazy') as typeof import('./lazy')).parseYaml(text);
    return v && typeof v === 'object' ? (v as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
