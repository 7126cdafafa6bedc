/**
 * What the config type checks need from a YAML (or JSON) source beyond its values: the text
 * each number was written as, and the line of each value.
 */
import { type Document, isMap, isScalar, type LineCounter, visit } from 'yaml';
import { type LineOfKey, WrittenNumber } from './config-keys.js';

/**
 * Turns every number value of a parsed document into a WrittenNumber before `toJS`: YAML reads
 * `dkimSelectors: [20161025, 0123, 1e3]` as numbers (the last two as 123 and 1000), and only
 * the scalar's source keeps the text the selectors are. Keys are left alone.
 */
export function keepWrittenNumbers(doc: Document): void {
  visit(doc, {
    Scalar(key, node) {
      if (key === 'key' || node.source === undefined) return;
      if (typeof node.value === 'number' || typeof node.value === 'bigint')
        node.value = new WrittenNumber(Number(node.value), node.source);
    },
  });
}

/**
 * The line each key is written on in a mapping node of a document read with `lineCounter`;
 * `toFileLine` maps a line of the document to the file's (a chunk of a file starts later).
 */
export function keyLines(
  map: unknown,
  lineCounter: LineCounter,
  toFileLine: (line: number) => number = (line) => line,
): LineOfKey {
  return (key) => {
    if (!isMap(map)) return undefined;
    const pair = map.items.find((p) => isScalar(p.key) && p.key.value === key);
    const range = isScalar(pair?.key) ? pair.key.range : undefined;
    return range ? toFileLine(lineCounter.linePos(range[0]).line) : undefined;
  };
}
