# bash completion for foresight(1). `make install` puts it where
# bash-completion finds it (PREFIX/share/bash-completion/completions); to
# use it without installing: source completion/foresight.bash
#
# It asks the program itself for what to offer, so that a new command or
# option needs no edit here: `foresight help --commands` lists the
# commands, `foresight help --options CMD` a command's options, and
# `foresight check --paths FILE` the paths --set takes in the scenario
# FILE named on the command line. It needs bash 4 and nothing else.

# The options that take a value (the next word), for every command.
_foresight_valued='-n|--runs|-s|--seed|-j|--threads|-o|--output|--set|--posterior|--format|--size|--resume|--partition|--hold-out'

_foresight()
{
    local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
    local prog=${COMP_WORDS[0]} cmd='' file='' opt='' i w
    prog=${prog/#\~/$HOME}
    COMPREPLY=()

    # The command, and the first file argument after it (skipping option
    # values, given separate or after '=', which bash splits off).
    for ((i = 1; i < COMP_CWORD; i++)); do
        w=${COMP_WORDS[i]}
        if [[ $w == = ]]; then
            ((i++))
        elif [[ $w == -* ]]; then
            [[ $w =~ ^($_foresight_valued)$ && ${COMP_WORDS[i+1]} != = ]] && ((i++))
        elif [[ -z $cmd ]]; then
            cmd=$w
        elif [[ -z $file ]]; then
            file=${w/#\~/$HOME}
        fi
    done

    if [[ -z $cmd ]]; then
        COMPREPLY=($(compgen -W "$("$prog" help --commands 2>/dev/null) --help --version" -- "$cur"))
        return
    fi

    # The option whose value is being completed: "--set X" or "--set=X".
    if [[ $prev == = ]]; then
        opt=${COMP_WORDS[COMP_CWORD-2]}
    elif [[ $cur == = ]]; then
        opt=$prev
        cur=''
    elif [[ $prev =~ ^($_foresight_valued)$ ]]; then
        opt=$prev
    fi
    case $opt in
    --set)
        # The file's paths, each followed by '=' and no space; for a sweep,
        # its base scenario's (base = "..." in the sweep file, relative to
        # it), and so for a search or a calibration.
        [[ -n $file && -f $file ]] || return
        if [[ $cmd == sweep || $cmd == optimize || $cmd == calibrate ]]; then
            w=$(sed -n 's/^[[:space:]]*base[[:space:]]*=[[:space:]]*"\([^"]*\)".*/\1/p' "$file" | head -1)
            [[ -n $w ]] || return
            [[ $w == /* ]] || w=$(dirname -- "$file")/$w
            file=$w
        fi
        COMPREPLY=($(compgen -W "$("$prog" check --paths -- "$file" 2>/dev/null)" -- "$cur"))
        COMPREPLY=("${COMPREPLY[@]/%/=}")
        compopt -o nospace 2>/dev/null
        return ;;
    --format)
        COMPREPLY=($(compgen -W 'png pdf svg' -- "$cur")); return ;;
    --partition)
        COMPREPLY=($(compgen -W 'dynamic static' -- "$cur")); return ;;
    --hold-out)
        # The calibration file's target names (name = "..." beside output = ...).
        [[ -n $file && -f $file ]] || return
        COMPREPLY=($(compgen -W "$(sed -n 's/.*name[[:space:]]*=[[:space:]]*"\([^"]*\)";[[:space:]]*output.*/\1/p' "$file")" -- "$cur"))
        return ;;
    -o|--output|--resume|--posterior)
        compopt -o filenames 2>/dev/null
        COMPREPLY=($(compgen -d -- "$cur")); return ;;
    ?*)
        return ;;   # a number or a size: nothing to offer
    esac

    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$("$prog" help --options "$cmd" 2>/dev/null)" -- "$cur"))
        return
    fi
    compopt -o filenames 2>/dev/null
    case $cmd in
    help)
        COMPREPLY=($(compgen -W "$("$prog" help --commands 2>/dev/null)" -- "$cur")) ;;
    plot)
        COMPREPLY=($(compgen -d -- "$cur")) ;;
    *)
        # Scenario and sweep files, and directories to look into.
        COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.cfg' -- "$cur")) ;;
    esac
}

complete -F _foresight foresight
