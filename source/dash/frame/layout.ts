/** Where the panes go for a pane size: list, preview (below or beside), detail body. */
export const MIN_COLUMNS = 60;
export const MIN_ROWS = 12;
/** From this width the preview sits beside the list instead of below it. */
export const WIDE_COLUMNS = 150;
export interface Layout {
	tooSmall: boolean;
	wide: boolean;
	/** Queue rows on screen. */
	listHeight: number;
	listWidth: number;
	/** Preview lines (below the list, or beside it when wide). */
	previewHeight: number;
	previewWidth: number;
	/** Detail view body lines. */
	detailHeight: number;
}

/** Header, tabs, hint/prompt line and status line around the body. */
const CHROME = 4;

/**
 * Where things go. With `rowCount` (rows in the current section) a short list gives its
 * spare lines to the preview below it.
 */
export function layout(columns: number, rows: number, rowCount?: number): Layout {
	const tooSmall = columns < MIN_COLUMNS || rows < MIN_ROWS;
	const body = Math.max(0, rows - 1 - CHROME);
	const wide = columns >= WIDE_COLUMNS;
	if (wide) {
		const listWidth = Math.floor(columns * 0.55);
		return {tooSmall, wide, listHeight: body, listWidth, previewHeight: body, previewWidth: columns - listWidth - 3, detailHeight: body};
	}
	const minPreview = body >= 16 ? Math.min(10, Math.floor(body / 3)) : 0;
	let listHeight = body - minPreview;
	// A short list gives its spare lines to the preview (one line is the column header).
	if (minPreview > 0 && rowCount !== undefined) listHeight = Math.min(listHeight, Math.max(4, rowCount + 2));
	return {tooSmall, wide, listHeight, listWidth: columns, previewHeight: body - listHeight, previewWidth: columns, detailHeight: body};
}