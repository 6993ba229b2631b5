// The playground chat page: one person talking to the bot, live through Server-Sent Events.
// Everything goes through the same /api/ endpoints tests use. No innerHTML anywhere: text
// from messages only ever becomes text nodes (see render.js).
(function () {
  "use strict";

  const $ = (id) => document.getElementById(id);
  const state = { userId: null, chatId: null, users: [], chats: [], bot: null };
  // This run's token: the API refuses requests without it, so other web pages cannot
  // write here (they cannot read this page to learn it).
  const TOKEN = document.querySelector('meta[name="playground-token"]').content;
  let typingTimer = null;
  let toastTimer = null;

  async function api(method, path, body) {
    const headers = { "X-Playground-Token": TOKEN };
    if (body) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method,
      headers,
      body: body ? JSON.stringify(body) : undefined,
    });
    const data = await response.json();
    if (!response.ok) throw new Error(data.error || response.statusText);
    return data;
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  // -- state: users, chats, flood switch ---------------------------------------------

  async function loadState() {
    const data = await api("GET", "/api/state");
    state.bot = data.bot;
    state.users = data.users;
    state.chats = data.chats;
    $("bot-name").textContent = data.bot.first_name;
    $("bot-username").textContent = "@" + (data.bot.username || "");
    $("flood").checked = data.flood_control;
    if (!state.users.length) {
      await api("POST", "/api/users", { id: 1, first_name: "Operator", language_code: "ru" });
      return loadState();
    }
    const saved = Number(localStorage.getItem("playground.user"));
    if (state.userId === null) {
      state.userId = state.users.some((u) => u.id === saved) ? saved : data.default_user_id;
    }
    fillUsers();
    fillChats();
  }

  function fillUsers() {
    const select = $("user-select");
    select.replaceChildren();
    for (const user of state.users) {
      const option = el("option", "", `${user.first_name} (${user.id})`);
      option.value = String(user.id);
      select.appendChild(option);
    }
    const add = el("option", "", "+ new person…");
    add.value = "new";
    select.appendChild(add);
    select.value = String(state.userId);
  }

  function fillChats() {
    const select = $("chat-select");
    select.replaceChildren();
    const mine = state.chats.filter((c) => c.member_ids.includes(state.userId));
    for (const chat of mine) {
      const label = chat.type === "private" ? "private chat" : chat.title;
      const option = el("option", "", label);
      option.value = String(chat.id);
      select.appendChild(option);
    }
    const add = el("option", "", "+ new group…");
    add.value = "new";
    select.appendChild(add);
    if (!mine.some((c) => c.id === state.chatId)) state.chatId = state.userId;
    select.value = String(state.chatId);
  }

  async function newUser() {
    const name = prompt("First name of the new person:");
    if (!name) return;
    const ids = state.users.map((u) => u.id);
    const id = Number(prompt("Telegram user id:", String(Math.max(0, ...ids) + 1)));
    if (!Number.isInteger(id) || id <= 0) return;
    const lang = prompt("Language code (ru, en):", "ru") || null;
    await api("POST", "/api/users", { id, first_name: name, language_code: lang });
    state.userId = id;
  }

  async function newGroup() {
    const title = prompt("Group title:");
    if (!title) return null;
    const members = state.users.map((u) => u.id);
    const chat = await api("POST", "/api/chats", { title, member_ids: members });
    return chat.id;
  }

  // -- the chat ---------------------------------------------------------------------

  async function openChat() {
    localStorage.setItem("playground.user", String(state.userId));
    const data = await api("GET", "/api/chats/" + state.chatId);
    const list = $("messages");
    list.replaceChildren();
    for (const message of data.messages) upsert(message);
    welcomeIfEmpty();
    showReplyKeyboard(data.chat.reply_keyboard);
    closeMenu();
    scrollDown();
  }

  function upsert(message) {
    const id = "m-" + message.message_id;
    const existing = document.getElementById(id);
    if (message.deleted) {
      if (existing) existing.remove();
      welcomeIfEmpty();
      return;
    }
    const node = renderMessage(message);
    node.id = id;
    if (existing) {
      existing.replaceWith(node);
    } else {
      $("welcome")?.remove();
      $("messages").appendChild(node);
    }
  }

  // An empty chat is what a newcomer sees first: say where they are and how to begin, as
  // Telegram's Start button does.
  function welcomeIfEmpty() {
    const list = $("messages");
    if (list.querySelector(".msg") || $("welcome")) return;
    const user = state.users.find((u) => u.id === state.userId);
    const card = el("section", "welcome");
    card.id = "welcome";
    card.appendChild(el("h1", "", state.bot ? state.bot.first_name : "Bot"));
    card.appendChild(el("div", "username", state.bot ? "@" + state.bot.username : ""));
    card.appendChild(
      el(
        "p",
        "",
        "The playground, a stand-in for Telegram: you are " +
          (user ? `${user.first_name} (id ${user.id})` : "a user") +
          ", chatting with the bot.",
      ),
    );
    const hint = el("p", "hint");
    hint.append("Press Start, or type ", el("kbd", "", "/"), " for the bot's commands.");
    card.appendChild(hint);
    const start = el("button", "", "START");
    start.type = "button";
    start.id = "start";
    start.addEventListener("click", () => send("/start"));
    card.appendChild(start);
    list.appendChild(card);
  }

  function renderMessage(message) {
    const mine = !message.from.is_bot && message.from.id === state.userId;
    const node = el("div", mine ? "msg mine" : "msg");
    if (!mine) node.appendChild(el("div", "sender", message.from.name));
    if (message.reply_to) {
      const quote = message.reply_to.deleted ? "deleted message" : message.reply_to.text;
      node.appendChild(el("div", "reply", `${message.reply_to.from_name}: ${quote}`));
    }
    const text = el("div", "text");
    text.appendChild(TgRender.renderText(document, message.text, message.entities));
    node.appendChild(text);
    // An edited message shows when it was last edited, as Telegram does.
    const meta = message.edited
      ? "edited " + clock(message.edit_date || message.date)
      : clock(message.date);
    node.appendChild(el("div", "meta", meta));
    if (message.buttons.length) node.appendChild(inlineKeyboard(message));
    return node;
  }

  function inlineKeyboard(message) {
    const keyboard = el("div", "keyboard");
    for (const row of message.buttons) {
      const line = el("div", "row");
      for (const button of row) {
        const href = button.url ? TgRender.safeUrl(button.url) : null;
        if (href) {
          const link = el("a", "", button.text + " ↗");
          link.href = href;
          link.target = "_blank";
          link.rel = "noopener noreferrer";
          line.appendChild(link);
        } else {
          const press = el("button", "", button.text);
          press.type = "button";
          press.disabled = button.callback_data === undefined;
          press.addEventListener("click", () =>
            act(() =>
              api("POST", "/api/click", {
                user_id: state.userId,
                chat_id: state.chatId,
                message_id: message.message_id,
                data: button.callback_data,
              }),
            ),
          );
          line.appendChild(press);
        }
      }
      keyboard.appendChild(line);
    }
    return keyboard;
  }

  function showReplyKeyboard(rows) {
    const box = $("reply-keyboard");
    box.replaceChildren();
    box.hidden = !rows;
    for (const row of rows || []) {
      const line = el("div", "row");
      for (const label of row) {
        const button = el("button", "", label);
        button.type = "button";
        button.addEventListener("click", () => send(label));
        line.appendChild(button);
      }
      box.appendChild(line);
    }
  }

  function clock(unixSeconds) {
    return new Date(unixSeconds * 1000).toTimeString().slice(0, 5);
  }

  function system(text, kind) {
    $("messages").appendChild(el("div", kind ? "system " + kind : "system", text));
    scrollDown();
  }

  function scrollDown() {
    const list = $("messages");
    list.scrollTop = list.scrollHeight;
  }

  function toast(text) {
    const box = $("toast");
    box.textContent = text;
    box.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(() => (box.hidden = true), 2500);
  }

  async function act(action) {
    try {
      await action();
    } catch (error) {
      system(String(error.message || error));
    }
  }

  async function send(text) {
    if (!text.trim()) return;
    await act(() =>
      api("POST", "/api/send", { user_id: state.userId, chat_id: state.chatId, text }),
    );
  }

  function closeMenu() {
    $("menu").hidden = true;
    $("menu-button").setAttribute("aria-expanded", "false");
  }

  async function toggleMenu() {
    const menu = $("menu");
    if (!menu.hidden) {
      closeMenu();
      return;
    }
    const query = `?user_id=${state.userId}&chat_id=${state.chatId}`;
    const data = await api("GET", "/api/commands" + query);
    menu.replaceChildren();
    if (!data.visible.length) menu.appendChild(el("div", "", "The bot has set no commands."));
    for (const command of data.visible) {
      const item = el("button", "");
      item.type = "button";
      item.setAttribute("role", "menuitem");
      item.appendChild(el("b", "", "/" + command.command));
      item.appendChild(document.createTextNode(command.description));
      item.addEventListener("click", () => {
        closeMenu();
        send("/" + command.command);
      });
      menu.appendChild(item);
    }
    menu.hidden = false;
    $("menu-button").setAttribute("aria-expanded", "true");
  }

  // -- live events ------------------------------------------------------------------

  function onEvent(event) {
    const here = event.chat_id === state.chatId;
    switch (event.type) {
      case "message":
        if (here) {
          upsert(event.message);
          if (event.message.from.is_bot) $("typing").hidden = true;
          scrollDown();
        }
        break;
      case "chat":
        if (event.chat.id === state.chatId) showReplyKeyboard(event.chat.reply_keyboard);
        break;
      case "chat_action":
        if (here) {
          $("typing").hidden = false;
          clearTimeout(typingTimer);
          // Telegram shows an action for 5 seconds or until the next message.
          typingTimer = setTimeout(() => ($("typing").hidden = true), 5000);
        }
        break;
      case "callback_answer": {
        const answer = event.callback;
        if (answer.user_id === state.userId && answer.text) {
          if (answer.show_alert) {
            $("alert-text").textContent = answer.text;
            $("alert").showModal();
          } else {
            toast(answer.text);
          }
        }
        break;
      }
      case "call_failed":
        if (!here && event.chat_id !== null) break;
        if (event.error_code === 429) {
          // Telegram's flood limit: the bot is told to wait, not that it did wrong.
          system(`⏳ ${event.method}: ${event.description} (flood limit)`, "flood");
        } else {
          system(`⚠ ${event.method}: ${event.description}`);
        }
        break;
      case "state":
        act(loadState);
        break;
      default:
        break;
    }
  }

  function listen() {
    // EventSource cannot send headers: the token goes in the query.
    const source = new EventSource("/api/events?token=" + encodeURIComponent(TOKEN));
    source.onopen = () => $("status").classList.add("live");
    source.onerror = () => $("status").classList.remove("live");
    source.onmessage = (message) => onEvent(JSON.parse(message.data));
  }

  // -- wiring -----------------------------------------------------------------------

  $("composer").addEventListener("submit", (submit) => {
    submit.preventDefault();
    closeMenu();
    const box = $("text");
    const text = box.value;
    box.value = "";
    send(text);
  });
  $("text").addEventListener("keydown", (key) => {
    if (key.key === "Enter" && !key.shiftKey) {
      key.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("menu-button").addEventListener("click", () => act(toggleMenu));
  // Out of the way as Telegram's is: Escape, or a click anywhere else, closes the menu.
  document.addEventListener("keydown", (key) => {
    if (key.key === "Escape") closeMenu();
  });
  document.addEventListener("click", (click) => {
    if (!$("menu").contains(click.target) && !$("menu-button").contains(click.target)) {
      closeMenu();
    }
  });
  $("messages").addEventListener("click", (click) => {
    const target = click.target;
    if (target.classList.contains("e-spoiler")) target.classList.add("shown");
    if (target.classList.contains("e-bot_command")) send(target.textContent);
  });
  $("user-select").addEventListener("change", (change) =>
    act(async () => {
      if (change.target.value === "new") await newUser();
      else state.userId = Number(change.target.value);
      state.chatId = state.userId;
      await loadState();
      await openChat();
    }),
  );
  $("chat-select").addEventListener("change", (change) =>
    act(async () => {
      if (change.target.value === "new") state.chatId = (await newGroup()) ?? state.chatId;
      else state.chatId = Number(change.target.value);
      await loadState();
      await openChat();
    }),
  );
  $("flood").addEventListener("change", (change) =>
    act(() => api("POST", "/api/flood", { enabled: change.target.checked })),
  );

  act(async () => {
    await loadState();
    state.chatId = state.userId;
    fillChats();
    listen(); // first: a change racing the first load is then applied twice, never lost
    await openChat();
  });
})();
