import type { Ref } from 'vue'
import type { ShareCard } from '#shared/types/models'
import { scriptSafeJson } from '#shared/utils/script-json'

/**
 * What a shared link unfurls into and what search engines read (PROTOCOL.md, "Sharing, search and
 * reminders"): og: and twitter: tags, the canonical link and the JSON-LD, server-rendered, for a
 * show's page and a clip's alike.
 */
export function useShareHead(share: Ref<ShareCard | null | undefined>, title: () => string, fallbackDescription: () => string = () => '') {
  useSeoMeta({
    title: () => `${title()} · WrenCos Live`,
    description: () => share.value?.description ?? fallbackDescription(),
    ogTitle: title,
    ogDescription: () => share.value?.description,
    ogImage: () => share.value?.image,
    ogUrl: () => share.value?.url,
    ogType: 'video.other',
    ogSiteName: 'WrenCos Live',
    twitterCard: 'summary_large_image',
    twitterTitle: title,
    twitterImage: () => share.value?.image,
  })
  useHead({
    link: () => share.value ? [{ rel: 'canonical', href: share.value.url }] : [],
    script: () => share.value ? [{ key: 'share-jsonld', type: 'application/ld+json', innerHTML: scriptSafeJson(share.value.jsonLd) }] : [],
  })
}
