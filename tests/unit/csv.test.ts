import { describe, expect, it } from 'vitest'
import { csvCell, toCsv } from '../../server/utils/csv'

describe('CSV cells', () => {
  it('quote what a spreadsheet would split on, in any locale, and defuse formulas', () => {
    expect(csvCell('plain')).toBe('plain')
    expect(csvCell('a,b')).toBe('"a,b"')
    expect(csvCell('a;b')).toBe('"a;b"')
    expect(csvCell('say "hi"')).toBe('"say ""hi"""')
    expect(csvCell('two\nlines')).toBe('"two\nlines"')
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"')
    expect(csvCell('-1;2')).toBe('"\'-1;2"')
    expect(toCsv(['a', 'b'], [[null, 3]])).toBe('a,b\r\n,3\r\n')
  })
})
