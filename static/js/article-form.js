/*
 * The article form in the admin keeps unsaved changes in this browser and asks before
 * they are left behind.
 *
 * - Autosave: while the form (form#article_form) differs from what the server sent, its named
 *   fields, hidden ones included (base_version too, so that a draft started from an old
 *   version is refused by the server rather than written over someone else's save), are kept
 *   in localStorage under the form's address, with the time.
 * - Restore: opening the same form again with such a draft puts the draft back and says so,
 *   with a button that discards it.
 * - Saving: submitting marks the draft as sent but keeps it. The next page drops it once the
 *   admin confirms the save (its success message links to the article); a page that refuses
 *   the save (.errornote) keeps it and, already showing the text that was sent, restores
 *   nothing.
 * - Leaving: with changes not yet saved, the browser asks first; submitting does not.
 *
 * Plain script from 'self' for a strict Content-Security-Policy: no inline code, no eval,
 * styles only through the admin's classes and CSSOM. The form works as before without it.
 */
"use strict";
{
    const PREFIX = "article-form:draft:";
    const FORMAT = 1;
    const DEBOUNCE_MS = 500;
    // A submitted add form cannot name the article it will become; a success message soon
    // after is taken as its confirmation.
    const ADD_CONFIRM_MS = 10 * 60 * 1000;
    const FORGET_AFTER_MS = 30 * 24 * 60 * 60 * 1000;
    const SKIPPED_NAMES = new Set(["csrfmiddlewaretoken"]);
    const SKIPPED_TYPES = new Set([
        "file",
        "submit",
        "button",
        "reset",
        "image",
        "fieldset",
        "output",
        "object",
    ]);
    const ADD_SUFFIX = "add/";

    function openStorage() {
        // Access itself throws where storage is blocked (some privacy settings).
        try {
            const storage = window.localStorage;
            const probe = PREFIX + "probe";
            storage.setItem(probe, "1");
            storage.removeItem(probe);
            return storage;
        } catch {
            return null;
        }
    }

    function drafts(storage) {
        const found = [];
        for (let i = 0; i < storage.length; i++) {
            const name = storage.key(i);
            if (name && name.startsWith(PREFIX) && name !== PREFIX + "probe") {
                found.push(name.slice(PREFIX.length));
            }
        }
        return found;
    }

    function readDraft(storage, key) {
        try {
            const draft = JSON.parse(storage.getItem(PREFIX + key));
            if (draft && draft.format === FORMAT && draft.values && draft.initial) {
                return draft;
            }
        } catch {
            // Unreadable: treated as absent, and replaced on the next change.
        }
        return null;
    }

    function writeDraft(storage, key, draft) {
        try {
            storage.setItem(PREFIX + key, JSON.stringify(draft));
            return true;
        } catch {
            return false; // full, or blocked: the leave warning still protects the text
        }
    }

    function removeDraft(storage, key) {
        try {
            storage.removeItem(PREFIX + key);
        } catch {
            // nothing to do
        }
    }

    /** The fields the form submits that a person fills in, hidden ones included. */
    function fieldsOf(form) {
        return Array.from(form.elements).filter(
            (field) =>
                field.name &&
                !field.disabled &&
                !SKIPPED_NAMES.has(field.name) &&
                !SKIPPED_TYPES.has(field.type),
        );
    }

    /**
     * {values: {name: [string, ...]}, labels: {name: {value: label}}}: every name with the
     * values it submits (none for an unticked checkbox), and the text of chosen options, so
     * that an autocomplete select, which only carries its chosen options, can show a
     * restored choice again.
     */
    function snapshot(form) {
        const values = {};
        const labels = {};
        for (const field of fieldsOf(form)) {
            const list = values[field.name] || (values[field.name] = []);
            if (field.type === "checkbox" || field.type === "radio") {
                if (field.checked) {
                    list.push(field.value);
                }
            } else if (field.tagName === "SELECT") {
                const named = labels[field.name] || (labels[field.name] = {});
                for (const option of field.selectedOptions) {
                    list.push(option.value);
                    named[option.value] = option.text;
                }
            } else {
                list.push(field.value);
            }
        }
        return { values, labels };
    }

    /** Whether `values` says anything different for the fields `reference` names. */
    function differs(values, reference) {
        return Object.keys(reference).some(
            (name) =>
                Object.hasOwn(values, name) &&
                JSON.stringify(values[name]) !== JSON.stringify(reference[name]),
        );
    }

    function selectValues(select, wanted, labels) {
        const before = JSON.stringify(Array.from(select.selectedOptions, (o) => o.value));
        const chosen = new Set(wanted);
        for (const option of select.options) {
            option.selected = chosen.has(option.value);
        }
        const present = new Set(Array.from(select.options, (o) => o.value));
        for (const value of wanted) {
            if (!present.has(value) && Object.hasOwn(labels, value)) {
                select.add(new Option(labels[value], value, true, true));
            }
        }
        return before !== JSON.stringify(Array.from(select.selectedOptions, (o) => o.value));
    }

    /** Put a snapshot's values into the form; fields it does not name keep theirs. */
    function apply(form, state) {
        const positions = {};
        const changedSelects = [];
        for (const field of fieldsOf(form)) {
            if (!Object.hasOwn(state.values, field.name)) {
                continue;
            }
            const wanted = state.values[field.name];
            if (field.type === "checkbox" || field.type === "radio") {
                field.checked = wanted.includes(field.value);
            } else if (field.tagName === "SELECT") {
                if (selectValues(field, wanted, state.labels[field.name] || {})) {
                    changedSelects.push(field);
                }
            } else {
                // Several inputs can share a name: the nth takes the nth value.
                const position = (positions[field.name] = (positions[field.name] ?? -1) + 1);
                if (position < wanted.length) {
                    field.value = wanted[position];
                }
            }
        }
        // Autocomplete (select2) and related-object links redraw on "change". Text fields get
        // no event, so that the slug is not marked as typed by hand.
        for (const select of changedSelects) {
            select.dispatchEvent(new Event("change", { bubbles: true }));
        }
    }

    function when(timestamp) {
        const date = new Date(timestamp);
        const language = document.documentElement.lang || undefined;
        const day = { day: "numeric", month: "long" };
        if (date.getFullYear() !== new Date().getFullYear()) {
            day.year = "numeric";
        }
        const dayText = new Intl.DateTimeFormat(language, day).format(date);
        const timeText = new Intl.DateTimeFormat(language, {
            hour: "2-digit",
            minute: "2-digit",
            hourCycle: "h23",
        }).format(date);
        return `${dayText}, ${timeText}`;
    }

    /** Success messages on this page, and the addresses they link to. */
    function confirmations() {
        const messages = document.querySelectorAll("ul.messagelist li.success");
        const paths = [];
        for (const message of messages) {
            for (const link of message.querySelectorAll("a[href]")) {
                paths.push(link.pathname);
            }
        }
        return { any: messages.length > 0, paths };
    }

    /** Drop the drafts whose save this page confirms, and those long forgotten. */
    function settle(storage) {
        const confirmed = confirmations();
        const now = Date.now();
        for (const key of drafts(storage)) {
            const draft = readDraft(storage, key);
            if (!draft || now - draft.savedAt > FORGET_AFTER_MS) {
                removeDraft(storage, key);
                continue;
            }
            if (!draft.submittedAt || !confirmed.any) {
                continue;
            }
            let saved;
            if (key.endsWith("/" + ADD_SUFFIX)) {
                // Saved from the add form: the message links to the new article's change
                // form (or to nothing, for someone who may not change it).
                const model = key.slice(0, -ADD_SUFFIX.length);
                saved =
                    now - draft.submittedAt < ADD_CONFIRM_MS &&
                    (confirmed.paths.length === 0 ||
                        confirmed.paths.some((path) => path.startsWith(model)));
            } else {
                saved = confirmed.paths.includes(key);
            }
            if (saved) {
                removeDraft(storage, key);
            }
        }
    }

    function showNotice(form, savedAt, onDiscard) {
        // The admin's own message styles (light and dark), in their usual place.
        const region = document.createElement("div");
        region.className = "article-form-draft";
        region.setAttribute("role", "status");
        const list = document.createElement("ul");
        list.className = "messagelist";
        const item = document.createElement("li");
        item.className = "info";
        const text = document.createElement("span");
        text.textContent = `Restored your unsaved changes from ${when(savedAt)}. `;
        const button = document.createElement("button");
        button.type = "button";
        button.className = "button";
        button.textContent = "Discard";
        button.style.padding = "3px 10px";
        button.style.marginLeft = "4px";
        button.style.fontSize = "inherit";
        button.style.lineHeight = "inherit";
        item.append(text, button);
        list.append(item);
        region.append(list);

        const content = document.getElementById("content");
        if (content && content.parentElement && content.contains(form)) {
            content.parentElement.insertBefore(region, content);
        } else {
            form.prepend(region);
        }

        button.addEventListener("click", () => {
            onDiscard();
            text.textContent = "Discarded your unsaved changes.";
            button.remove();
            const first = fieldsOf(form).find(
                (field) => field.type !== "hidden" && field.offsetParent !== null,
            );
            if (first) {
                first.focus();
            }
        });
    }

    function watch(form, storage) {
        const key = window.location.pathname;
        const loaded = snapshot(form);
        const refused =
            form.querySelector(".errornote") !== null ||
            document.querySelector("#content-main .errornote") !== null;
        // What the server holds: the form as it was sent, except on a refused save, whose
        // page shows the text that was sent and not yet saved.
        let baseline = loaded;
        let submittedAt = null;
        let submitting = false;
        let written = null; // what the stored draft says, to rewrite it only on a change
        let timer = null;

        const draft = storage && readDraft(storage, key);
        if (draft && refused) {
            baseline = draft.initial;
        } else if (draft && differs(draft.values, loaded.values)) {
            apply(form, draft);
            written = JSON.stringify(snapshot(form).values);
            showNotice(form, draft.savedAt, () => {
                apply(form, loaded);
                removeDraft(storage, key);
                written = null;
                submittedAt = null;
            });
        } else if (draft) {
            removeDraft(storage, key); // says nothing the form does not already say
        }

        const dirty = () => differs(snapshot(form).values, baseline.values);

        function persist() {
            window.clearTimeout(timer);
            timer = null;
            if (!storage) {
                return;
            }
            const current = snapshot(form);
            if (!differs(current.values, baseline.values)) {
                if (written !== null || refused) {
                    removeDraft(storage, key);
                    written = null;
                }
                return;
            }
            const values = JSON.stringify(current.values);
            const stored = readDraft(storage, key);
            if (values === written && stored && stored.submittedAt === submittedAt) {
                return;
            }
            const unchangedSince = values === written && stored ? stored.savedAt : null;
            if (
                writeDraft(storage, key, {
                    format: FORMAT,
                    savedAt: unchangedSince ?? Date.now(),
                    submittedAt,
                    values: current.values,
                    labels: current.labels,
                    initial: baseline,
                })
            ) {
                written = values;
            }
        }

        function changed() {
            submittedAt = null; // changed after a submit (or on return to the page): unsent
            window.clearTimeout(timer);
            timer = window.setTimeout(persist, DEBOUNCE_MS);
        }

        if (storage) {
            form.addEventListener("input", changed);
            form.addEventListener("change", changed);
            // Autocomplete widgets report choices through jQuery's "change", which native
            // listeners do not hear. django.jQuery is defined by the time the page is ready.
            if (window.django && window.django.jQuery) {
                window.django.jQuery(form).on("change", changed);
            }
            if (refused && draft) {
                persist(); // the page's values are the newest: the ones that were sent
            }
        }

        // Listening on window lets any handler on the form cancel the submit first.
        window.addEventListener("submit", (event) => {
            if (event.target !== form || event.defaultPrevented) {
                return;
            }
            submitting = true;
            submittedAt = Date.now();
            persist();
        });

        window.addEventListener("beforeunload", (event) => {
            if (submitting) {
                return;
            }
            persist();
            if (dirty()) {
                event.preventDefault();
                event.returnValue = "You have unsaved changes.";
            }
        });

        // Not every close reaches beforeunload (mobile tab switches, crashes): keep the draft
        // current whenever the page may go away.
        window.addEventListener("pagehide", persist);
        document.addEventListener("visibilitychange", () => {
            if (document.visibilityState === "hidden") {
                persist();
            }
        });
        window.addEventListener("pageshow", (event) => {
            if (event.persisted) {
                submitting = false; // back from the page cache: the submit did not leave
            }
        });
    }

    function start() {
        const storage = openStorage();
        if (storage) {
            settle(storage);
        }
        const form = document.getElementById("article_form");
        if (!(form instanceof HTMLFormElement)) {
            return;
        }
        // A form in a related-object popup closes its window when saved, on a page without
        // this script: a draft would never be confirmed.
        const popup = form.querySelector('input[name="_popup"]') !== null;
        watch(form, popup ? null : storage);
    }

    if (document.readyState === "loading") {
        document.addEventListener("DOMContentLoaded", start);
    } else {
        start();
    }
}
