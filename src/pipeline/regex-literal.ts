// What text a regular expression cannot match without: for each top-level alternative, the longest run of
// literal characters every match of it contains. The pre-filter (prefilter.ts) looks for these in a frame's
// bytes before parsing it. Conservative by construction: anything not plainly a literal (classes, groups,
// escapes of letters or digits, `.`, anchors, quantified characters) ends a run, so a run is only ever text
// the regex requires; when unsure the answer is "no literal" and the frame is parsed.

/**
 * One required literal per top-level alternative (`a|b` → two), or undefined when some alternative needs
 * none, or when the flags make literals unreliable (`i`: case folds; `v`: nested classes).
 */
export function requiredLiterals(source: string, flags: string): string[] | undefined {
  if (flags.includes('i') || flags.includes('v')) return undefined;
  const literals: string[] = [];
  for (const branch of topLevelBranches(source)) {
    const literal = longestRun(branch);
    if (literal === '') return undefined;
    literals.push(literal);
  }
  return literals;
}

/** The source split at `|` outside groups and classes. */
function topLevelBranches(source: string): string[] {
  const branches: string[] = [];
  let start = 0;
  let i = 0;
  while (i < source.length) {
    const c = source[i];
    if (c === '\\') i += 2;
    else if (c === '[') i = classEnd(source, i);
    else if (c === '(') i = groupEnd(source, i);
    else if (c === '|') {
      branches.push(source.slice(start, i));
      start = ++i;
    } else i++;
  }
  branches.push(source.slice(start));
  return branches;
}

function longestRun(branch: string): string {
  let best = '';
  let run = '';
  const end = () => {
    if (run.length > best.length) best = run;
    run = '';
  };
  let i = 0;
  while (i < branch.length) {
    const c = branch[i]!;
    if (c === '*' || c === '?') {
      // The character before may be absent: it is not required.
      run = run.slice(0, -1);
      end();
      i++;
    } else if (c === '{') {
      run = run.slice(0, -1);
      end();
      const q = /^\{\d+(?:,\d*)?\}/.exec(branch.slice(i));
      i += q ? q[0].length : 1;
    } else if (c === '+') {
      // Required once, but what follows does not follow it directly.
      end();
      i++;
    } else if (c === '\\') {
      const next = branch[i + 1];
      if (next !== undefined && !/[A-Za-z0-9]/.test(next)) {
        run += next;
        i += 2;
      } else {
        end();
        i = escapeEnd(branch, i);
      }
    } else if (c === '[') {
      end();
      i = classEnd(branch, i);
    } else if (c === '(') {
      end();
      i = groupEnd(branch, i);
    } else if (c === '.' || c === '^' || c === '$' || c === ')' || c === ']' || c === '}' || c === '|') {
      end();
      i++;
    } else {
      run += c;
      i++;
    }
  }
  end();
  return best;
}

/**
 * Index after an escape of a letter or digit (`\\d`, `\\x41`, `\\u{1F600}`, `\\k<name>`, `\\12`): its arguments
 * are no literal text, and letters and digits right after it are skipped with it rather than told apart.
 */
function escapeEnd(s: string, i: number): number {
  let j = i + 2;
  const open = s[j];
  if ((s[i + 1] === 'k' && open === '<') || open === '{') {
    const close = s.indexOf(open === '<' ? '>' : '}', j);
    j = close < 0 ? s.length : close + 1;
  }
  while (j < s.length && /[A-Za-z0-9]/.test(s[j]!)) j++;
  return j;
}

/** Index after the `]` closing the class opened at `i` (in JS, `[]` and `[^]` close at their first `]`). */
function classEnd(s: string, i: number): number {
  let j = i + 1;
  if (s[j] === '^') j++;
  while (j < s.length && s[j] !== ']') j += s[j] === '\\' ? 2 : 1;
  return j + 1;
}

/** Index after the `)` closing the group opened at `i`, across nested groups, classes and escapes. */
function groupEnd(s: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < s.length) {
    const c = s[j];
    if (c === '\\') j += 2;
    else if (c === '[') j = classEnd(s, j);
    else {
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) return j + 1;
      j++;
    }
  }
  return j;
}
