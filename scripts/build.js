// Bundle the CLI: one ESM entry plus lazily loaded chunks (the dashboard's ink/react load only for `dash`).
import {build} from 'esbuild';
import {chmodSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
// No clean step: parallel builds (tests, helpers) must never see dist/ vanish; esbuild overwrites.

await build({
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
