// The rules a show's moderators set on its chat, as pure functions: which words are refused, what
// counts as a link. Unicode-aware: "Spam" matches "spam" and "SPAM", "kötü" matches "KÖTÜ", and a
// blocked "ass" does not refuse "class" or "assistant".
import type { ChatSettings } from '#shared/types/models'

export const NO_CHAT_RULES: ChatSettings = { slowModeSeconds: 0, blockedWords: [], holdLinks: false }

/** What a word or message is compared as: composed (é is one character), case folded. */
const fold = (text: string) => text.normalize('NFKC').toLocaleLowerCase('und')

/** A blocked word as kept: trimmed, folded, inner spaces single. Empty ones are dropped. */
export function normalizeBlockedWords(words: string[]): string[] {
  const kept = words.map(word => fold(word).trim().replace(/\s+/g, ' ')).filter(Boolean)
  return [...new Set(kept)]
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
// A word's edges: no letter, digit or combining mark may touch it on either side.
const WORD_CHAR = '[\\p{L}\\p{N}\\p{M}_]'

/** The first blocked word that `message` holds as a whole word (or phrase), if any. */
export function blockedWordIn(message: string, blockedWords: string[]): string | undefined {
  if (!blockedWords.length) return undefined
  const text = fold(message)
  return blockedWords.find((word) => {
    const pattern = word.split(' ').map(escape).join('\\s+')
    return new RegExp(`(?<!${WORD_CHAR})${pattern}(?!${WORD_CHAR})`, 'u').test(text)
  })
}

// A scheme or www., or a dotted name ending in a top-level domain followed by the end, a path or
// punctuation: "shop.example.com/deal", "bit.ly/x", "wrencos.shop". Not "e.g." nor "3.50".
const LINK = /(?:\b(?:https?|ftp):\/\/|\bwww\.)\S+|\b[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.(?:com|net|org|io|co|ly|me|app|dev|shop|store|xyz|info|biz|link|site|online|live|gg|tv|to|[a-z]{2})(?=$|[/?#:\s),.!])/iu

export const hasLink = (message: string) => LINK.test(message)
