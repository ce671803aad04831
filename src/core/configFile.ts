/** The repository's config file (its own module: the editor host reads the name without the YAML parser). */
export const CONFIG_FILE = '.deploy-readiness.yaml';
