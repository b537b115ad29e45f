using System.CommandLine;
using System.Globalization;
using AttentionLego.Gen.Cost;

namespace AttentionLego.Cli.Commands;

/// <summary>Validators shared by the commands' numeric options, and adding options to a command.</summary>
public static class OptionRules
{
    /// <summary>Adds <paramref name="options"/> to <paramref name="command"/> in this order (the order --help lists them in).</summary>
    public static Command With(this Command command, params Option[] options)
    {
        foreach (var option in options)
        {
            command.Options.Add(option);
        }

        return command;
    }

    /// <summary>
    /// The option's value, when given, must be at least <paramref name="least"/>; the message defaults to
    /// "&lt;option&gt; must be at least N." (or "must not be negative." for 0). A value that is not a number is left
    /// to the parser, which reports it already.
    /// </summary>
    public static Option<T> AtLeast<T>(this Option<T> option, long least, string? message = null) =>
        option.Check(v => v >= least, message ?? (least == 0 ? $"{option.Name} must not be negative." : $"{option.Name} must be at least {least}."));

    /// <summary>The option's value, when given, must be at most <paramref name="most"/>; <paramref name="message"/> says why.</summary>
    public static Option<T> AtMost<T>(this Option<T> option, long most, string message) => option.Check(v => v <= most, _ => message);

    /// <summary>The option's value, when given, must be at most <paramref name="most"/>; the message is made from the value given.</summary>
    public static Option<T> AtMost<T>(this Option<T> option, long most, Func<long, string> message) => option.Check(v => v <= most, message);

    /// <summary>
    /// A timeout in seconds is at most <see cref="Limits.MaxTimeoutSeconds"/> (7 days), checked before any work, so a value
    /// beyond what the timer counts is a usage error, not a failure after the build (the caller sets the least).
    /// </summary>
    public static Option<int> Timeout(this Option<int> option) => option
        .AtMost(Limits.MaxTimeoutSeconds, v =>
            $"{option.Name} {v} is more than {Limits.MaxTimeoutSeconds:N0} s (7 days), the longest one run may be given. Fix: use {option.Name} 1..{Limits.MaxTimeoutSeconds}.");

    /// <summary>A count of seeds: 1 .. <see cref="Limits.MaxSeeds"/>.</summary>
    public static Option<int> Seeds(this Option<int> option, string what) => option
        .AtLeast(1, $"{option.Name} must be at least 1.")
        .AtMost(Limits.MaxSeeds, v =>
            $"{option.Name} {v} is more than the {Limits.MaxSeeds:N0} seeds one run may have ({what}). Fix: use {option.Name} 1..{Limits.MaxSeeds}, or split the seeds over several runs with --seed.");

    /// <summary>
    /// <c>--seed + --seeds - 1</c> must fit an int: the last seed a run uses (a simulator's random state, a fault map) is
    /// one. <paramref name="which"/>, when given, says what the seeds are, in parentheses after the rule.
    /// </summary>
    public static void LastSeedFits(this Command command, Option<int> seed, Option<int> seeds, string? which = null) =>
        command.Validators.Add(r =>
        {
            long last;
            try
            {
                last = (long)r.GetValue(seed) + r.GetValue(seeds) - 1;
            }
            catch (InvalidOperationException)
            {
                return; // an unparseable value is already reported by its own option
            }

            if (last > int.MaxValue)
            {
                r.AddError($"--seed + --seeds - 1 must not exceed {int.MaxValue}{(which is null ? "" : $" ({which})")}.");
            }
        });

    private static Option<T> Check<T>(this Option<T> option, Func<long, bool> holds, string message) => option.Check(holds, _ => message);

    private static Option<T> Check<T>(this Option<T> option, Func<long, bool> holds, Func<long, string> message)
    {
        option.Validators.Add(r =>
        {
            object? value;
            try
            {
                value = r.GetValueOrDefault<T>();
            }
            catch (InvalidOperationException)
            {
                return;
            }

            if (value is not null && Convert.ToInt64(value, CultureInfo.InvariantCulture) is var v && !holds(v))
            {
                r.AddError(message(v));
            }
        });
        return option;
    }
}
