/**
 * `gocross platforms`: every GOOS/GOARCH pair of the installed Go (or the built-in table), with
 * the variant variable of its arch, each accepted value and the first Go release that took it.
 */
import { goVersionAtLeast } from '../platforms/go-version';
import type { PlatformTable } from '../platforms/table';
import { VARIANT_VARIABLE } from '../platforms/types';
import { VARIANTS } from '../platforms/variants';

export interface VariantValue {
  value: string;
  /** First Go release accepting the value ('' when older than anything gated). */
  since: string;
  supported: boolean;
}

export interface PlatformRow {
  platform: string;
  cgo: boolean;
  firstClass: boolean;
  variable?: string;
  variants: VariantValue[];
}

export function platformRows(table: PlatformTable): PlatformRow[] {
  return [...table.entries]
    .sort((a, b) => `${a.goos}/${a.goarch}`.localeCompare(`${b.goos}/${b.goarch}`))
    .map((e) => {
      const variable = VARIANT_VARIABLE[e.goarch];
      const spec = variable ? VARIANTS[variable] : undefined;
      const variants: VariantValue[] = spec
        ? Object.entries(spec.values).map(([value, since]) => {
            const first = since ?? spec.since ?? '';
            return { value, since: first, supported: first === '' || goVersionAtLeast(table.goVersion, first) };
          })
        : [];
      return { platform: `${e.goos}/${e.goarch}`, cgo: e.cgoSupported, firstClass: e.firstClass, variable, variants };
    });
}

export function formatPlatformRows(table: PlatformTable, rows: PlatformRow[]): string {
  const lines = [
    `${rows.length} platforms of ${table.goVersion} (${table.source === 'builtin' ? 'built-in table: go not found' : 'go tool dist list'});` +
      ' * first-class port, ✗ value needs a newer Go',
    '',
  ];
  for (const r of rows) {
    const head = `${r.firstClass ? '*' : ' '} ${r.platform.padEnd(18)} ${r.cgo ? 'cgo' : '   '}`;
    const variants = r.variable
      ? `  ${r.variable}=${r.variants.map((v) => `${v.value}${v.since ? ` (go${v.since})` : ''}${v.supported ? '' : ' ✗'}`).join(' | ')}`
      : '';
    lines.push(head + variants);
  }
  return lines.join('\n') + '\n';
}
