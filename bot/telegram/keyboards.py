"""Inline keyboards of choices: one button per choice, laid out in rows of `width`."""

from __future__ import annotations

from collections.abc import Iterable

from aiogram.filters.callback_data import CallbackData
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.keyboard import InlineKeyboardBuilder

Choice = tuple[str, CallbackData]
"""A button's text and what pressing it sends."""


def choice_keyboard(choices: Iterable[Choice], *, width: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for text, callback_data in choices:
        builder.button(text=text, callback_data=callback_data)
    builder.adjust(width)
    return builder.as_markup()
