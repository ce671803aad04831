import { configSchema, CONFIG_FILE, defaultConfig } from './config';
import { toJsonSchema, type JsonSchema } from './schema';

/** Where the published schema lives in the repository, and the id it announces. */
export const CONFIG_SCHEMA_PATH = 'schemas/deploy-readiness.schema.json';
export const CONFIG_SCHEMA_ID = 'https://raw.githubusercontent.com/deploy-readiness/deploy-readiness/main/schemas/deploy-readiness.schema.json';

/**
 * JSON Schema for `.deploy-readiness.yaml`, built from `configSchema`, the table the validator in
 * config.ts checks the file against, so the two cannot disagree. scripts/gen-config-schema.mjs
 * writes it to CONFIG_SCHEMA_PATH; a unit test fails when that file is stale.
 */
export function configJsonSchema(): JsonSchema {
  const body = toJsonSchema(configSchema, defaultConfig());
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: CONFIG_SCHEMA_ID,
    title: `Deploy Readiness configuration (${CONFIG_FILE})`,
    ...body,
  };
}
