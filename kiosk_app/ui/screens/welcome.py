"""The first screen: the village's name, the language, and three large tiles."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QSizePolicy, QVBoxLayout

from ..widgets import Screen, button, label


class WelcomeScreen(Screen):
    name = "welcome"

    def __init__(self, ctx):
        super().__init__(ctx, back=False, home=False)
        self.header.language_button.hide()
        self.village = label("huge")
        self.village.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.greeting = label()
        self.greeting.setAlignment(Qt.AlignmentFlag.AlignCenter)

        self.bulgarian_button = button("lang", checkable=True, min_height=80)
        self.english_button = button("lang", checkable=True, min_height=80)
        self.bulgarian_button.clicked.connect(lambda: self.tr.set_language("bg"))
        self.english_button.clicked.connect(lambda: self.tr.set_language("en"))
        languages = QHBoxLayout()
        languages.addStretch(1)
        languages.addWidget(self.bulgarian_button, 2)
        languages.addWidget(self.english_button, 2)
        languages.addStretch(1)

        self.services_tile = self._tile("services")
        self.status_tile = self._tile("status")
        self.notices_tile = self._tile("notices")
        tiles = QGridLayout()
        tiles.setSpacing(24)
        self._tiles = tiles
        self.on_text_size_changed(ctx.text_size.large)
        ctx.text_size.changed.connect(self.on_text_size_changed)

        self.staff_button = button()
        self.staff_button.clicked.connect(lambda: self.navigate_requested.emit("staff_panel"))
        staff_row = QHBoxLayout()
        staff_row.addStretch(1)
        staff_row.addWidget(self.staff_button)

        layout = QVBoxLayout(self.body)
        layout.setContentsMargins(40, 20, 40, 16)
        layout.setSpacing(16)
        layout.addWidget(self.village)
        layout.addWidget(self.greeting)
        layout.addLayout(languages)
        layout.addLayout(tiles, 1)
        layout.addLayout(staff_row)
        self.retranslate()

    def on_text_size_changed(self, large: bool) -> None:
        """Large text: the tiles one under the other, each as wide as the screen."""
        tiles = self._tiles
        for tile in (self.services_tile, self.status_tile, self.notices_tile):
            tiles.removeWidget(tile)
        tiles.addWidget(self.services_tile, 0, 0, 1, 1 if large else 2)
        tiles.addWidget(self.status_tile, 1, 0)
        tiles.addWidget(self.notices_tile, 2 if large else 1, 0 if large else 1)

    def _tile(self, target: str):
        tile = button("tile", min_height=120)
        tile.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        tile.clicked.connect(lambda: self.navigate_requested.emit(target))
        return tile

    def retranslate(self, _language: str = "") -> None:
        t = self.tr.t
        self.header.title.setText(t("welcome.header"))
        self.village.setText(self.tr.pick(self.ctx.settings.village_name))
        self.greeting.setText(t("welcome.greeting"))
        self.bulgarian_button.setText(t("welcome.bulgarian"))
        self.english_button.setText(t("welcome.english"))
        self.bulgarian_button.setChecked(self.tr.language == "bg")
        self.english_button.setChecked(self.tr.language == "en")
        self.services_tile.setText(t("welcome.tile_services"))
        self.status_tile.setText(t("welcome.tile_status"))
        self.notices_tile.setText(t("welcome.tile_notices"))
        self.staff_button.setText(t("welcome.staff"))
