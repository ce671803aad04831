/** The line-comment prefix a suppression takes in a migration file of this path (`--` for SQL). */
export function commentPrefixFor(path: string): string {
  if (/\.(rb|py)$/i.test(path)) return '#';
  if (/\.(m|c)?(j|t)sx?$/i.test(path)) return '//';
  return '--';
}
