// tinhoi search page: Pagefind's JavaScript API, our own small Vietnamese interface.
const form = document.querySelector(".search-page");
const status = document.getElementById("ket-qua-trang-thai");
const list = document.getElementById("ket-qua");
const input = form.querySelector("input[name=q]");
const selects = { loai: form.querySelector("select[name=loai]"), nam: form.querySelector("select[name=nam]") };
const bundle = new URL(form.dataset.bundle, document.baseURI).href;
const root = new URL(form.dataset.root, document.baseURI).pathname;
const words = JSON.parse(document.getElementById("search-words").textContent);

let pagefind;

async function load() {
  if (!pagefind) {
    pagefind = await import(bundle + "pagefind.js");
    // Favour whole-word matches over prefix matches ("thu" should not rank "thưởng" first).
    await pagefind.options({ baseUrl: root, ranking: { termSimilarity: 4.0 } });
    // A large site's index comes in shards of whole years: merge the others in, all at
    // once (one round trip on a slow link, not one per shard; Pagefind keeps them in the
    // order they are asked for, and they share the first bundle's WebAssembly).
    const shards = await fetch(bundle + "tinhoi-shards.json").then((r) => (r.ok ? r.json() : [])).catch(() => []);
    await Promise.all(shards.map((shard) => pagefind.mergeIndex(new URL(shard, bundle).href, { baseUrl: root })));
    await fillFilters();
  }
  return pagefind;
}

async function fillFilters() {
  const filters = await pagefind.filters();
  for (const [name, select] of Object.entries(selects)) {
    const values = Object.keys(filters[name] || {}).sort((a, b) => name === "nam" ? b.localeCompare(a) : a.localeCompare(b, "vi"));
    for (const value of values) {
      const option = document.createElement("option");
      option.value = value;
      option.textContent = `${value} (${filters[name][value]})`;
      select.append(option);
    }
    const wanted = new URLSearchParams(location.search).get(name);
    if (wanted) select.value = wanted;
  }
}

function chosenFilters() {
  const filters = {};
  for (const [name, select] of Object.entries(selects)) {
    if (select.value) filters[name] = select.value;
  }
  return filters;
}

// Pagefind's excerpt is escaped text with <mark> around the hits: keep only those marks.
const decoder = document.createElement("textarea");
function excerptNode(excerpt) {
  const paragraph = document.createElement("p");
  const parts = excerpt.split(/(<mark>|<\/mark>)/);
  let marked = false;
  for (const part of parts) {
    if (part === "<mark>") { marked = true; continue; }
    if (part === "</mark>") { marked = false; continue; }
    decoder.innerHTML = part;  // a <textarea> decodes entities and keeps every space
    const text = document.createTextNode(decoder.value);
    if (marked) { const mark = document.createElement("mark"); mark.append(text); paragraph.append(mark); }
    else paragraph.append(text);
  }
  return paragraph;
}

// Words typed without "đ" match a copy of the page's đ-words spelt with "d" (see
// plugins/search). When the excerpt is taken from that copy, every word in it
// carries a "d": show the article's summary instead.
function fromFoldedCopy(excerpt) {
  const words = excerpt.replace(/<\/?mark>/g, "").split(/\s+/).filter(Boolean);
  return words.length > 3 && words.every((word) => /d/i.test(word));
}

async function run() {
  const query = input.value.trim();
  const filters = chosenFilters();
  list.replaceChildren();
  if (!query && !Object.keys(filters).length) { status.textContent = ""; return; }
  status.textContent = words.searching;
  const engine = await load();
  const search = await engine.search(query || null, { filters });
  const results = await Promise.all(search.results.slice(0, 20).map((r) => r.data()));
  status.textContent = results.length ? words.found.replace("{n}", search.results.length) : words.none;
  for (const result of results) {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.meta.title || result.url;
    const heading = document.createElement("h2");
    heading.append(link);
    item.append(heading);
    if (result.meta.ngay) {
      const date = document.createElement("p");
      date.className = "meta";
      date.textContent = result.meta.ngay;
      item.append(date);
    }
    if (fromFoldedCopy(result.excerpt) && result.meta.tomtat) {
      const summary = document.createElement("p");
      summary.textContent = result.meta.tomtat;
      item.append(summary);
    } else {
      item.append(excerptNode(result.excerpt));
    }
    list.append(item);
  }
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  const params = new URLSearchParams();
  if (input.value.trim()) params.set("q", input.value.trim());
  for (const [name, select] of Object.entries(selects)) if (select.value) params.set(name, select.value);
  history.replaceState(null, "", "?" + params.toString());
  run();
});
for (const select of Object.values(selects)) select.addEventListener("change", () => form.requestSubmit());

input.value = new URLSearchParams(location.search).get("q") || "";
load().then(run).catch((error) => { status.textContent = words.failed; console.warn(error); });
