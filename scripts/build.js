// Bundle the CLI: one ESM entry plus lazily loaded chunks (the dashboard's ink/react load only for `dash`).
import {build} from 'esbuild';
import {chmodSync} from 'node:fs';
import {readFile} from 'node:fs/promises';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// No clean step: parallel builds (tests, helpers) must never see dist/ vanish; esbuild overwrites.

// meow's pre-bundled dependencies initialise package.json normalisation (semver, SPDX
// tables) and @babel/code-frame at import time; the CLI passes `pkg` itself and never
// needs them. Make those two lazy: it halves the cost of every agent's CLI call.
const MEOW_LAZY = [
	['var libExports = requireLib$1();', 'var libExports = {codeFrameColumns: (...args) => requireLib$1().codeFrameColumns(...args)};'],
	[
		'var normalizeExports = requireNormalize();\nconst normalizePackageData = getDefaultExportFromCjs(normalizeExports);',
		'const normalizePackageData = (...args) => getDefaultExportFromCjs(requireNormalize())(...args);',
	],
];
const lazyMeow = {
	name: 'lazy-meow-dependencies',
	setup(builder) {
		builder.onLoad({filter: /meow[\\/]build[\\/]dependencies\.js$/}, async ({path}) => {
			let contents = await readFile(path, 'utf8');
			for (const [eager, lazy] of MEOW_LAZY) {
				if (!contents.includes(eager)) throw new Error(`lazy-meow-dependencies: "${eager.slice(0, 40)}" not found; meow changed, update scripts/build.js`);
				contents = contents.replace(eager, lazy);
			}
			return {contents, loader: 'js'};
		});
	},
};

await build({
	plugins: [lazyMeow],
	absWorkingDir: root,
	entryPoints: {cli: 'source/bin.ts'},
	outdir: 'dist',
	bundle: true,
	splitting: true,
	format: 'esm',
	platform: 'node',
	target: 'node20',
	sourcemap: 'linked',
	// Native addon: must load from node_modules.
	external: ['better-sqlite3'],
	alias: {'react-devtools-core': './scripts/empty-module.js'},
	define: {'process.env.NODE_ENV': '"production"', 'process.env.DEV': '"false"'},
	// Bundled CommonJS dependencies (ioredis, react) call require(); give ESM output one.
	banner: {js: "import {createRequire as __metawsmCreateRequire} from 'node:module'; const require = __metawsmCreateRequire(import.meta.url);"},
	logLevel: 'warning',
});
chmodSync(`${root}/dist/cli.js`, 0o755);
