// Inline code breaks only at its spaces. Browsers also break after a hyphen or before a
// bracket, which splits `--profile` into `--` and `profile` at the end of a line or in a
// narrow table cell; each run of other characters is wrapped in a span that CSS keeps whole
// (stylesheets/extra.css). Runs longer than MAX_WORD are left alone: they may need to break
// to fit at all. Runs on every page Material shows (its `document$` observable).
const MAX_WORD = 50;

function keepWordsWhole(code) {
  if (code.dataset.codeWords || code.children.length > 0) {
    return; // done already, or code with links or highlighting inside
  }
  code.dataset.codeWords = "1";
  const parts = code.textContent.split(/(\s+)/);
  if (parts.length < 2 && !/[-[({=/]/.test(code.textContent)) {
    return; // one word without a break opportunity inside
  }
  code.replaceChildren(
    ...parts.map((part) => {
      if (part === "" || /^\s+$/.test(part) || part.length > MAX_WORD) {
        return document.createTextNode(part);
      }
      const word = document.createElement("span");
      word.className = "code-word";
      word.textContent = part;
      return word;
    }),
  );
}

document$.subscribe(() => {
  document.querySelectorAll(".md-typeset code:not(pre > code)").forEach(keepWordsWhole);
});
