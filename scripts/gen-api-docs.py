# Writes docs/rules/api/<name>.md for the API rules from the texts below plus the rule catalog
# (default severity, peer-tool equivalents), read from the built CLI: `deploy-readiness rules --format json`.
import json, subprocess, os, sys
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
rules = {r['id']: r for r in json.loads(subprocess.check_output(['node', os.path.join(root, 'dist', 'cli.js'), 'rules', '--format', 'json']))['rules']}
T = json.load(open(os.path.join(root, 'scripts', 'api-docs.json')))
for rid, t in T.items():
    r = rules.get(rid)
    if not r:
        print('unknown rule', rid, file=sys.stderr); continue
    kind = t.get('kind', 'OpenAPI')
    out = [f"# {rid}", '', f"**Default severity:** {r['defaultSeverity']} · **Area:** API contract ({kind})", '',
           '## What it checks', t['what'], '', '## Why it matters during a deploy', t['why'], '', '## How to fix', t['fix'], '']
    if 'example' in t:
        out += ['## Example', '```' + t.get('lang', 'yaml'), t['example'], '```', '']
    eq = r.get('equivalents') or {}
    out += ['## Same check elsewhere']
    if not eq:
        out += ['No direct peer equivalent.']
    for tool, ids in eq.items():
        out += [f"{tool}: " + ', '.join(f'`{i}`' for i in ids) + '.']
    if kind == 'OpenAPI' and eq.get('oasdiff'):
        out += ['', 'Each finding names the exact oasdiff id it matches in `data.oasdiff`, and takes that id\'s level (ERR → error, WARN → warning, INFO → info, reported only with `api.includeInfo: true`).']
    out += ['', 'Accept a deliberate change with the quick fix "Accept this breaking change…", which records its fingerprint in `.deploy-readiness.yaml` under `api.accepted` (with a reason and an optional expiry); accepted findings show as info.' if rid not in ('api/invalid-schema', 'api/unresolved-ref') else 'Problems in the schema file itself cannot be accepted: fix the file.']
    open(os.path.join(root, 'docs', 'rules', 'api', rid.split('/')[1] + '.md'), 'w').write('\n'.join(out) + '\n')
