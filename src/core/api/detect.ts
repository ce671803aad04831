import { looksLikeOpenApi } from '../classify';

/**
 * Is this YAML/JSON text an OpenAPI or Swagger document? The classifier looks at the first 4 KB;
 * real specs often sort their root keys (Stripe's `openapi:` is on line 39,722), so this also
 * looks for a root-level `openapi:`/`swagger:` key anywhere (YAML: at column 0; JSON: the key
 * with a version string). The loader then checks the parsed root.
 */
export function detectOpenApi(text: string): 'openapi' | 'swagger' | undefined {
  const quick = looksLikeOpenApi(text);
  if (quick) return quick;
  const m = /^["']?(openapi|swagger)["']?[ \t]*:[ \t]*["']?\d/m.exec(text) ?? /"(openapi|swagger)"\s*:\s*"\d/.exec(text);
  if (!m) return undefined;
  return m[1] === 'swagger' ? 'swagger' : 'openapi';
}

/** After parsing: does the root mapping really carry the key? */
export function rootIsOpenApi(value: unknown): boolean {
  return !!value && typeof value === 'object' && !Array.isArray(value) && ('openapi' in value || 'swagger' in value);
}
