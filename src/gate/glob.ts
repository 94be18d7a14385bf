/**
 * Globs over ARM ids for suppressions: `*` matches within one `/` segment, `**` across segments, and the
 * match ignores case, as ARM ids do (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules).
 */
export function idGlob(pattern: string): RegExp {
  let source = '';
  const text = pattern.trim().replace(/\/+$/, '');
  for (let i = 0; i < text.length; i += 1) {
    const char = text.charAt(i);
    if (char === '*' && text[i + 1] === '*') {
      // `/**/` also matches a single `/`, so `a/**/b` covers `a/b`.
      const slashAfter = text[i + 2] === '/';
      source += slashAfter ? '(?:.*/)?' : '.*';
      i += slashAfter ? 2 : 1;
    } else if (char === '*') {
      source += '[^/]*';
    } else {
      source += char.replace(/[.+?^${}()|[\]\\]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`, 'i');
}

export function matchesId(pattern: string, id: string): boolean {
  return idGlob(pattern).test(id.trim().replace(/\/+$/, ''));
}
