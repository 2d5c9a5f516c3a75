// Builds plotly-incidentmap.min.js with the settings of plotly.js's own esbuild-config.js
// (same plugins, aliases and target), minified, from entry.js.
const esbuild = require('esbuild');
const { environmentPlugin } = require('esbuild-plugin-environment');
const { glsl } = require('esbuild-plugin-glsl');
const InlineCSSPlugin = require('esbuild-plugin-inline-css');
const plotly = require('plotly.js/package.json');

const banner = `/* plotly.js v${plotly.version} (MIT licence, (c) Plotly, Inc.), partial bundle for ` +
    'incidentmap: core, bar, choroplethmap, scattermap. Built by dashboard/plotly_bundle/build.js. */';

esbuild.build({
    entryPoints: ['entry.js'],
    outfile: 'plotly-incidentmap.min.js',
    format: 'iife',
    globalName: 'Plotly',
    bundle: true,
    minify: true,
    sourcemap: false,
    legalComments: 'eof',
    banner: { js: banner },
    plugins: [InlineCSSPlugin(), glsl({ minify: true }), environmentPlugin({ NODE_DEBUG: false })],
    alias: { regl: '@plotly/regl', stream: 'stream-browserify' },
    define: { global: 'window', 'define.amd': 'false' },
    target: 'es2016',
    logLevel: 'info',
}).catch(() => process.exit(1));
