#!/usr/bin/env bash
# Installs (or upgrades) the Passeur bundle for the current user, without administrator rights.
#
#   ./install-user.sh            from the unpacked bundle folder (the one holding `passeur` and `_internal/`)
#   ./install-user.sh BUNDLE     from elsewhere
#
# Puts the program in ~/.local/opt/passeur (PASSEUR_PREFIX overrides), the `passeur` command in
# ~/.local/bin, the menu entry and the icon in ~/.local/share. Never touches the data folder
# (~/.local/share/passeur or $PASSEUR_HOME): an upgrade keeps the index, which the new version
# migrates when it first opens it.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
src=$(cd "${1:-$here}" && pwd)
if [ ! -x "$src/passeur" ] || [ ! -d "$src/_internal" ]; then
    echo "Dossier du programme introuvable : $src ne contient pas « passeur » et « _internal »." >&2
    echo "Lancez ce script depuis le dossier décompressé, ou donnez ce dossier en argument." >&2
    exit 2
fi

data_home=${XDG_DATA_HOME:-$HOME/.local/share}
prefix=${PASSEUR_PREFIX:-$HOME/.local/opt/passeur}
bindir=${PASSEUR_BINDIR:-$HOME/.local/bin}
apps="$data_home/applications"
icons="$data_home/icons/hicolor"

if [ "$(id -u)" -eq 0 ] && [ -z "${PASSEUR_PREFIX:-}" ]; then
    echo "Attention : installation pour l'utilisateur root ($HOME). Lancez ce script avec le compte" >&2
    echo "de la personne qui utilisera Passeur (aucun droit d'administrateur n'est nécessaire)." >&2
fi
case "$prefix/" in
    "$src/"*) echo "Le dossier d'installation ne peut pas être dans le dossier source." >&2; exit 2 ;;
esac

echo "Installation de Passeur dans $prefix"
mkdir -p "$(dirname "$prefix")" "$bindir" "$apps" "$icons/scalable/apps" "$icons/256x256/apps"
# Copy next to the old version first, then swap: an interrupted copy never leaves a broken program.
staging="$prefix.new.$$"
rm -rf "$staging"
cp -a "$src/." "$staging/"
if [ -e "$prefix" ]; then
    old="$prefix.old.$$"
    mv "$prefix" "$old"
    mv "$staging" "$prefix"
    rm -rf "$old"
    echo "Ancienne version remplacée (le dossier de données n'a pas été modifié)."
else
    mv "$staging" "$prefix"
fi

ln -sfn "$prefix/passeur" "$bindir/passeur"

icon_svg="$src/passeur.svg"
[ -f "$icon_svg" ] || icon_svg="$here/passeur.svg"
[ -f "$icon_svg" ] && cp "$icon_svg" "$icons/scalable/apps/passeur.svg"
icon_png="$src/passeur.png"
[ -f "$icon_png" ] || icon_png="$here/passeur.png"
[ -f "$icon_png" ] && cp "$icon_png" "$icons/256x256/apps/passeur.png"

desktop_in="$src/passeur.desktop"
[ -f "$desktop_in" ] || desktop_in="$here/passeur.desktop"
# Exec and TryExec must be absolute: the menu does not read ~/.profile's PATH.
sed -e "s|@PREFIX@|$prefix|g" "$desktop_in" > "$apps/passeur.desktop"
chmod 0644 "$apps/passeur.desktop"
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$apps" || true
command -v gtk-update-icon-cache >/dev/null 2>&1 && gtk-update-icon-cache -q -t "$icons" || true

# Check the embedded model once now (SHA-256 of 1.1 GB), so that the first start does not pay for it.
if "$prefix/passeur" model status; then
    :
else
    echo "Le modèle de langue embarqué n'a pas pu être vérifié : la recherche seule reste disponible." >&2
fi

echo
echo "Passeur est installé."
echo "  Menu des applications : « Passeur »"
echo "  En ligne de commande   : $bindir/passeur (fenêtre) ou « passeur --help »"
case ":$PATH:" in
    *":$bindir:"*) ;;
    *) echo "  ($bindir n'est pas dans votre PATH : ajoutez-le, ou utilisez le chemin complet.)" ;;
esac
echo "  Données (index, journal, conversations) : \$PASSEUR_HOME, sinon $data_home/passeur"
echo "  Désinstaller : $prefix/uninstall-user.sh"
