"""Comments on the take: add at the moment cursor, edit, delete; double-click to go there.

The panel calls the take's comment store (the library's or the sidecar's, which save at once)
and emits `changed` so the timeline redraws its markers; problems saving are shown to the
teacher, not raised.
"""

from __future__ import annotations

from pianoscope.app.review.comments import TakeComments
from pianoscope.app.review.lesson_report import format_time
from pianoscope.errors import PianoscopeError
from pianoscope.gui.qt import QtCore, QtWidgets
from pianoscope.library.comment_sidecar import Comment

ID_ROLE = QtCore.Qt.ItemDataRole.UserRole


class CommentsPanel(QtWidgets.QWidget):
    changed = QtCore.Signal()
    time_picked = QtCore.Signal(float)
    problem = QtCore.Signal(str)

    def __init__(self) -> None:
        super().__init__()
        self.store: TakeComments | None = None
        self.current_time_s = 0.0
        self.list = QtWidgets.QListWidget()
        self.list.itemDoubleClicked.connect(self._go_to)
        self.add_button = QtWidgets.QPushButton("Add at cursor…")
        self.edit_button = QtWidgets.QPushButton("Edit…")
        self.delete_button = QtWidgets.QPushButton("Delete")
        self.add_button.clicked.connect(self._ask_add)
        self.edit_button.clicked.connect(self._ask_edit)
        self.delete_button.clicked.connect(self._delete_selected)
        buttons = QtWidgets.QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        layout = QtWidgets.QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.setEnabled(False)

    @property
    def comments(self) -> tuple[Comment, ...]:
        return self.store.comments if self.store is not None else ()

    def set_store(self, store: TakeComments | None) -> None:
        self.store = store
        self.setEnabled(store is not None)
        self._refresh()

    def add_comment(self, time_s: float, text: str) -> Comment | None:
        return self._apply(lambda store: store.add(time_s, text))

    def edit_comment(self, comment_id: str, text: str) -> None:
        self._apply(lambda store: store.edit(comment_id, text=text))

    def delete_comment(self, comment_id: str) -> None:
        self._apply(lambda store: store.delete(comment_id))

    def _apply(self, change):
        if self.store is None:
            return None
        try:
            result = change(self.store)
        except PianoscopeError as error:
            self.problem.emit(str(error))
            return None
        self._refresh()
        self.changed.emit()
        return result

    def _refresh(self) -> None:
        self.list.clear()
        for comment in self.comments:
            item = QtWidgets.QListWidgetItem(f"{format_time(comment.time_s)}  {comment.text}")
            item.setData(ID_ROLE, comment.id)
            self.list.addItem(item)

    def _selected(self) -> Comment | None:
        row = self.list.currentRow()
        comments = self.comments
        return comments[row] if 0 <= row < len(comments) else None

    def _ask_add(self) -> None:
        text, ok = QtWidgets.QInputDialog.getText(
            self, "Add comment", f"Comment at {format_time(self.current_time_s)}:"
        )
        if ok and text.strip():
            self.add_comment(self.current_time_s, text)

    def _ask_edit(self) -> None:
        comment = self._selected()
        if comment is None:
            return
        text, ok = QtWidgets.QInputDialog.getText(
            self, "Edit comment", f"Comment at {format_time(comment.time_s)}:", text=comment.text
        )
        if ok and text.strip():
            self.edit_comment(comment.id, text)

    def _delete_selected(self) -> None:
        comment = self._selected()
        if comment is not None:
            self.delete_comment(comment.id)

    def _go_to(self, item: QtWidgets.QListWidgetItem) -> None:
        for comment in self.comments:
            if comment.id == item.data(ID_ROLE):
                self.time_picked.emit(comment.time_s)
