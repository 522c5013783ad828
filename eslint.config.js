// Lint: typescript-eslint strict type-checked, plus the import boundaries of STYLE.md section 2.
import js from "@eslint/js";
import tseslint from "typescript-eslint";
import prettier from "eslint-config-prettier";

const sdk = ["@slack/*", "discord.js", "@discordjs/*", "discord-api-types", "discord-api-types/*"];

export default tseslint.config(
  { ignores: ["dist/", "node_modules/", "data/", "coverage/", "bin/", "bench/.quality-base/"] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  prettier,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/switch-exhaustiveness-check": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/no-unnecessary-condition": "off",
    },
  },
  {
    files: ["src/**/*.ts"],
    // The composition root is the one core file that knows adapters exist (it imports their factories).
    ignores: ["src/main.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          patterns: [
            {
              group: [...sdk, "**/adapters/**"],
              message: "The core never imports a platform SDK or an adapter.",
            },
          ],
        },
      ],
    },
  },
  {
    // Small files and functions (issue 11): a file past 400 lines or a closure past 200 lines is two concepts.
    files: ["src/**/*.ts", "adapters/**/*.ts", "cli/**/*.ts"],
    rules: {
      "max-lines": ["error", { max: 400 }],
      "max-lines-per-function": [
        "error",
        { max: 200, skipBlankLines: true, skipComments: true, IIFEs: true },
      ],
    },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-return": "off",
      "@typescript-eslint/require-await": "off",
      "@typescript-eslint/no-confusing-void-expression": "off",
    },
  },
  { files: ["*.js", "*.config.ts"], ...tseslint.configs.disableTypeChecked },
);
