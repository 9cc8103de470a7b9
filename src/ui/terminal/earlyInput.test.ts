import { describe, expect, it } from 'vitest';
import { bufferInput, keyInput, takeInput } from './earlyInput';
import { decodeInput } from './lineDiscipline';

const key = (k: string, mods: Partial<{ ctrlKey: boolean; metaKey: boolean; altKey: boolean }> = {}) => ({ key: k, ctrlKey: false, metaKey: false, altKey: false, ...mods });

describe('keys typed before the terminal starts', () => {
  it('are kept as the terminal would send them and handed over once', () => {
    for (const k of ['h', 'o', 's', 't', 'n', 'a', 'm', 'e', 'Enter']) bufferInput('node01', keyInput(key(k)) ?? '');
    expect(takeInput('node01')).toBe('hostname\r');
    expect(takeInput('node01')).toBe('');
    expect(decodeInput('hostname\r')).toEqual([{ kind: 'text', text: 'hostname' }, { kind: 'key', key: 'enter' }]);
  });

  it('keep editing keys and Ctrl+letters, and leave shortcuts and modifiers alone', () => {
    expect(['Backspace', 'Tab'].map((k) => keyInput(key(k)))).toEqual(['\x7f', '\t']);
    expect(keyInput(key('c', { ctrlKey: true }))).toBe('\x03');
    expect(keyInput(key('Shift'))).toBeNull();
    expect(keyInput(key('F5'))).toBeNull();
    expect(keyInput(key('v', { metaKey: true }))).toBeNull();
  });
});
