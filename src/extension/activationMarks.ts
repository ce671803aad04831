/** Points in activation (performance.now()), for the activation-cost breakdown the extension logs and the editor bench prints. */
export const marks: Record<string, number> = {};

export function mark(name: string): void {
  marks[name] = performance.now();
}
