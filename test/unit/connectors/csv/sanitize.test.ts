import { csvField, neutralise } from '../../../../src/connectors/csv/index.js';
import { parseDate } from '../../../../src/connectors/csv/dates.js';
import { detectDelimiter } from '../../../../src/connectors/csv/delimiter.js';

test.each(['=1+1', '+1', '-2+3', '@SUM(A1)', '\t=1', '\r=1'])('%j is neutralised', (v) => {
  expect(neutralise(v)).toBe(`'${v}`);
});

test('plain values are left alone; csvField quotes what needs quoting', () => {
  expect(neutralise('Hello = world')).toBe('Hello = world');
  expect(csvField('a,b')).toBe('"a,b"');
  expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
});

test('dates: Jira, ISO, US, EU and invalid', () => {
  const o = { timeZone: 'UTC' };
  expect(parseDate('09/Oct/25 1:42 PM', o)?.toISOString()).toBe('2025-10-09T13:42:00.000Z');
  expect(parseDate('09/Oct/25 12:05 AM', o)?.toISOString()).toBe('2025-10-09T00:05:00.000Z');
  expect(parseDate('2025-10-09T13:42:00+02:00', o)?.toISOString()).toBe('2025-10-09T11:42:00.000Z');
  expect(parseDate('10/9/2025 1:42 PM', { ...o, dayOrder: 'mdy' })?.toISOString()).toBe(
    '2025-10-09T13:42:00.000Z',
  );
  expect(parseDate('10/9/2025 13:42', { ...o, dayOrder: 'dmy' })?.toISOString()).toBe(
    '2025-09-10T13:42:00.000Z',
  );
  expect(parseDate('23.10.2025 14:05', o)?.toISOString()).toBe('2025-10-23T14:05:00.000Z');
  expect(parseDate('2025-02-30 10:00', o)).toBeNull();
  expect(parseDate('soon', o)).toBeNull();
  expect(parseDate('2025-10-09 13:42:11', { timeZone: 'America/Los_Angeles' })?.toISOString()).toBe(
    '2025-10-09T20:42:11.000Z',
  );
});

test('delimiter: quoted delimiters do not count', () => {
  expect(detectDelimiter('a;b;c\n"x,y,z";2;3\n')).toBe(';');
  expect(detectDelimiter('a,b\n1,2\n')).toBe(',');
  expect(detectDelimiter('a|b|c\n1|2|3\n')).toBe('|');
});
