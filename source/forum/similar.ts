/**
 * How alike two questions are: a token-set similarity, pure and cheap. Text is normalised
 * (NFKC, lower case, letters and digits only), common words dropped; the score is the Jaccard
 * index of the two word sets. Two-word shingles were measured too and dropped: they scored a
 * plain rephrasing ("May I drop table X?" / "Can I drop the X table?") at 0.47, words alone at
 * 0.88. Measured cases are in test/forum/similar.test.ts.
 */

/** Scores at or above this count as "the same question asked again". */
export const SIMILAR_THRESHOLD = 0.6;
/** Only the first this many characters of a question are compared: the cost stays bounded. */
export const SIMILAR_MAX_CHARS = 4000;

const STOPWORDS = new Set(
	'a an and are as at be but by can could do does for from had has have i if in is it its may me my no not of on or our shall should so that the their then there this to us was we were what when which will with would you your'.split(' '),
);

/** The words of a text, normalised, common words left out. */
export function words(text: string): string[] {
	return (
		text
			.slice(0, SIMILAR_MAX_CHARS)
			.normalize('NFKC')
			.toLowerCase()
			.match(/[\p{L}\p{N}]+/gu)
			?.filter((word) => !STOPWORDS.has(word)) ?? []
	);
}

/** The word set of a text. */
export function wordSet(text: string): Set<string> {
	return new Set(words(text));
}

/** Jaccard index of two sets: |A ∩ B| / |A ∪ B|; 0 when both are empty. */
export function jaccard(a: ReadonlySet<string>, b: ReadonlySet<string>): number {
	if (a.size === 0 && b.size === 0) return 0;
	let shared = 0;
	const [small, large] = a.size <= b.size ? [a, b] : [b, a];
	for (const item of small) if (large.has(item)) shared++;
	return shared / (a.size + b.size - shared);
}

/** How alike two questions (title and body) are, 0..1. */
export function questionSimilarity(a: {title: string; body: string}, b: {title: string; body: string}): number {
	return jaccard(wordSet(`${a.title}\n${a.body}`), wordSet(`${b.title}\n${b.body}`));
}
