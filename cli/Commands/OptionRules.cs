using System.CommandLine;
using System.Globalization;

namespace AttentionLego.Cli.Commands;

/// <summary>Validators shared by the commands' numeric options.</summary>
public static class OptionRules
{
    /// <summary>
    /// The option's value, when given, must be at least <paramref name="least"/>; the message defaults to
    /// "&lt;option&gt; must be at least N." (or "must not be negative." for 0). A value that is not a number is left
    /// to the parser, which reports it already.
    /// </summary>
    public static Option<T> AtLeast<T>(this Option<T> option, long least, string? message = null) =>
        option.Check(v => v >= least, message ?? (least == 0 ? $"{option.Name} must not be negative." : $"{option.Name} must be at least {least}."));

    /// <summary>The option's value, when given, must be at most <paramref name="most"/>; <paramref name="message"/> says why.</summary>
    public static Option<T> AtMost<T>(this Option<T> option, long most, string message) => option.Check(v => v <= most, message);

    private static Option<T> Check<T>(this Option<T> option, Func<long, bool> holds, string message)
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

            if (value is not null && !holds(Convert.ToInt64(value, CultureInfo.InvariantCulture)))
            {
                r.AddError(message);
            }
        });
        return option;
    }
}
