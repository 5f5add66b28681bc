#!/usr/bin/env bash
# Removes the Passeur program installed by install-user.sh for the current user.
#
#   uninstall-user.sh                 remove the program, the `passeur` command, the menu entry, the icon;
#                                     KEEP the data folder (index, audit log, conversations, settings)
#   uninstall-user.sh --purge-data    also erase the data folder, the cache and the saved preferences
#                                     (asks for confirmation; add --yes to skip the question)
#
# By default the data stays: the audit log and the conversations fall under the retention rules the
# administration has set (GDPR), and the index can be reused by a later installation.
set -euo pipefail

purge=0
yes=0
for arg in "$@"; do
    case "$arg" in
        --purge-data) purge=1 ;;
        --yes|-y) yes=1 ;;
        -h|--help) sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "Option inconnue : $arg" >&2; exit 2 ;;
    esac
done

data_home=${XDG_DATA_HOME:-$HOME/.local/share}
config_home=${XDG_CONFIG_HOME:-$HOME/.config}
cache_home=${XDG_CACHE_HOME:-$HOME/.cache}
prefix=${PASSEUR_PREFIX:-$HOME/.local/opt/passeur}
bindir=${PASSEUR_BINDIR:-$HOME/.local/bin}
icons="$data_home/icons/hicolor"

# The data folder: $PASSEUR_HOME, else the one chosen in the app's settings, else the default.
data_dir=${PASSEUR_HOME:-}
if [ -z "$data_dir" ] && [ -f "$config_home/passeur/data-dir" ]; then
    data_dir=$(head -n 1 "$config_home/passeur/data-dir")
fi
data_dir=${data_dir:-$data_home/passeur}

removed=()
remove() {
    if [ -e "$1" ] || [ -L "$1" ]; then
        rm -rf -- "$1"
        removed+=("$1")
    fi
}

if [ -L "$bindir/passeur" ] && [ "$(readlink "$bindir/passeur")" = "$prefix/passeur" ]; then
    remove "$bindir/passeur"
fi
remove "$data_home/applications/passeur.desktop"
remove "$icons/scalable/apps/passeur.svg"
remove "$icons/256x256/apps/passeur.png"
if [ -x "$prefix/passeur" ] || [ -d "$prefix/_internal" ]; then
    remove "$prefix"
fi
command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$data_home/applications" || true

echo "Programme désinstallé. Supprimé :"
for path in "${removed[@]}"; do echo "  $path"; done
[ ${#removed[@]} -gt 0 ] || echo "  (rien : Passeur n'était pas installé dans $prefix)"

leftovers=()
for path in "$data_dir" "$config_home/passeur" "$cache_home/passeur"; do
    [ -e "$path" ] && leftovers+=("$path")
done

if [ $purge -eq 1 ] && [ ${#leftovers[@]} -gt 0 ]; then
    echo
    echo "Effacement demandé des données de Passeur :"
    for path in "${leftovers[@]}"; do echo "  $path"; done
    if [ $yes -eq 0 ]; then
        read -r -p "Effacer définitivement ces dossiers (index, journal d'audit, conversations) ? [o/N] " answer
        case "$answer" in o|O|oui|OUI) ;; *) echo "Rien n'a été effacé."; exit 0 ;; esac
    fi
    for path in "${leftovers[@]}"; do rm -rf -- "$path"; done
    echo "Données effacées."
elif [ ${#leftovers[@]} -gt 0 ]; then
    echo
    echo "Conservé (données de l'utilisateur, soumises aux règles de conservation de votre collectivité) :"
    for path in "${leftovers[@]}"; do echo "  $path"; done
    echo "Pour les effacer aussi :"
    for path in "${leftovers[@]}"; do printf '  rm -rf %q\n' "$path"; done
    echo "(les documents indexés eux-mêmes, sur le disque ou le partage réseau, ne sont jamais modifiés)"
fi
