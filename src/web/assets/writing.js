// Progressive enhancement for writing forms: a picture pasted or dropped into a text box is
// uploaded at once and its Markdown put where the cursor is, with a placeholder in place of
// the alt text, selected so the writer types the description over it (a post is refused
// until every picture has one). Without this script the form's "Add an image" fields do the
// same through the server. Nothing from the server is turned into markup here: the answer is
// JSON and only its address is used, as text.
(() => {
  if (window.copseWriting) return;
  window.copseWriting = true;

  const PLACEHOLDER = "Describe the image";
  const TYPES = ["image/jpeg", "image/png", "image/webp", "image/gif"];

  const pictures = (list) => [...(list || [])].filter((file) => TYPES.includes(file.type));

  /** Replaces the textarea's selection with `text`; returns where it starts. */
  function insert(textarea, text) {
    const start = textarea.selectionStart;
    const before = textarea.value.slice(0, start);
    const after = textarea.value.slice(textarea.selectionEnd);
    const gap = before && !before.endsWith("\n") ? "\n\n" : "";
    textarea.value = `${before}${gap}${text}\n${after}`;
    return start + gap.length;
  }

  function enhance(box) {
    const textarea = document.getElementById(box.dataset.imageUpload);
    const csrf = box.closest("form")?.querySelector('input[name="_csrf"]');
    if (!textarea || !csrf) return;
    box
      .querySelector(".govuk-hint")
      ?.append(" You can also paste or drop a picture into the text box.");
    const status = document.createElement("p");
    status.className = "govuk-body copse-image-upload__status";
    status.setAttribute("role", "status");
    box.append(status);

    async function upload(file) {
      const marker = `![Uploading ${file.name || "image"}…]()`;
      insert(textarea, marker);
      status.textContent = "Uploading the image…";
      const body = new FormData();
      body.set("_csrf", csrf.value);
      body.set("image", file);
      let message;
      try {
        const response = await fetch(box.dataset.uploadUrl, {
          method: "POST",
          body,
          credentials: "same-origin",
          headers: { Accept: "application/json" },
        });
        const answer = await response.json().catch(() => ({}));
        if (!response.ok || typeof answer.url !== "string") {
          throw new Error(answer.error || "The image could not be uploaded");
        }
        const markdown = `![${PLACEHOLDER}](${new URL(answer.url, location.href).href})`;
        const at = textarea.value.indexOf(marker);
        textarea.value = textarea.value.replace(marker, markdown);
        textarea.focus();
        textarea.setSelectionRange(at + 2, at + 2 + PLACEHOLDER.length);
        message = "Image added. Type a description of it over the selected words.";
      } catch (error) {
        textarea.value = textarea.value.replace(`${marker}\n`, "").replace(marker, "");
        message = `${error.message}. Nothing was added.`;
      }
      status.textContent = message;
    }

    textarea.addEventListener("paste", (event) => {
      const files = pictures(event.clipboardData?.files);
      if (files.length === 0) return;
      event.preventDefault();
      for (const file of files) upload(file);
    });
    textarea.addEventListener("dragover", (event) => {
      if ([...(event.dataTransfer?.types || [])].includes("Files")) event.preventDefault();
    });
    textarea.addEventListener("drop", (event) => {
      const files = pictures(event.dataTransfer?.files);
      if (files.length === 0) return;
      event.preventDefault();
      for (const file of files) upload(file);
    });
  }

  for (const box of document.querySelectorAll("[data-image-upload]")) enhance(box);
})();
