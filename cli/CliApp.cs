using System.CommandLine;
using AttentionLego.Cli.Commands;
using AttentionLego.Cosim.Tools;
using AttentionLego.Gen.Config;
using AttentionLego.Gen.Cost;
using AttentionLego.Gen.Rendering;

namespace AttentionLego.Cli;

/// <summary>Builds the root command and maps every failure to its exit code and a message on stderr.</summary>
public static class CliApp
{
    public static RootCommand Build(CliIo io) => new("attnlego: generate, lint and co-simulate AttentionLego RTL")
    {
        GenerateCommand.Create(io),
        PresetsCommand.Create(io),
        ConfigCommand.Create(io),
        LintCommand.Create(io),
        CosimCommand.Create(io),
        AccuracyCommand.Create(io),
        RegressCommand.Create(io),
        WaveCommand.Create(io),
        ReportCommand.Create(io),
        FaultsCommand.Create(io),
    };

    public static async Task<int> RunAsync(string[] args, CliIo io, CancellationToken ct = default)
    {
        // Every message goes through one writer that escapes control characters and cuts overlong quoted arguments.
        io = io with { Err = io.Err as EscapingWriter ?? new EscapingWriter(io.Err, args) };
        // No response files: an @file argument would be read whole, unbounded, before any limit of ours applies.
        var parse = Build(io).Parse(args, new ParserConfiguration { ResponseFileTokenReplacer = null });
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await io.Err.WriteLineAsync($"error: {error.Message}");
            }

            await io.Err.WriteLineAsync("Fix: see `attnlego --help` or `attnlego <command> --help`.");
            return ExitCodes.Usage;
        }

        // Signals are ours to handle (Interruption), not System.CommandLine's: it would end the process after its own timeout.
        return await parse.InvokeAsync(new InvocationConfiguration
        {
            Output = io.Out,
            Error = io.Err,
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        }, ct);
    }

    /// <summary>
    /// Runs the command line in a process that listens to SIGINT and SIGTERM: once one came, whatever the command did
    /// (returned, or threw because it was cancelled), the result is the one line <see cref="Interruption.Report"/> prints
    /// and exit 130 or 143.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, CliIo io, Interruption interruption)
    {
        interruption.Command = "attnlego " + string.Join(' ', args.TakeWhile(a => !a.StartsWith('-')).Take(2));
        try
        {
            var code = await RunAsync(args, io, interruption.Token);
            if (!interruption.Requested)
            {
                return code;
            }
        }
        catch (Exception) when (interruption.Requested)
        {
            // Cancelled by the signal: an OperationCanceledException, or a tool that died because it was killed.
        }

        interruption.Report();
        return interruption.ExitCode;
    }

    /// <summary>
    /// Runs a command body, turning the known failures into a message and their exit code. Once <paramref name="ct"/> is
    /// cancelled (SIGINT, SIGTERM) a failure is the cancellation's doing (a killed tool, a removed file) and is passed on
    /// unreported: the command ends with the one interruption line, not an error about its aftermath.
    /// </summary>
    public static async Task<int> Guard(CliIo io, CancellationToken ct, Func<Task<int>> body)
    {
        try
        {
            return await body();
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            throw;
        }
        catch (ConfigException ex)
        {
            await io.Err.WriteLineAsync("error: " + ex.Message);
            return ExitCodes.InvalidConfig;
        }
        catch (OutputException ex)
        {
            await io.Err.WriteLineAsync("error: " + ex.Message);
            return ExitCodes.OutputError;
        }
        catch (ToolException ex)
        {
            await io.Err.WriteLineAsync("error: " + ex.Message);
            return ex.Failure switch
            {
                ToolFailure.Missing or ToolFailure.TooOld => ExitCodes.ToolMissing,
                ToolFailure.TimedOut => ExitCodes.Timeout,
                ToolFailure.Crashed => ExitCodes.SimulatorCrashed,
                ToolFailure.Misconfigured => ExitCodes.Usage,
                _ => ExitCodes.ToolFailed,
            };
        }
        catch (BeyondMachineException ex)
        {
            await io.Err.WriteLineAsync("error: " + ex.Message);
            return ExitCodes.BeyondMachine;
        }
        catch (TemplateException ex)
        {
            await io.Err.WriteLineAsync("internal error (a template is broken): " + ex.Message);
            return ExitCodes.Internal;
        }
        catch (IOException ex) when (BuildCache.IsNoSpace(ex))
        {
            // A full disk that no command named more precisely: still the machine's problem, never the RTL's.
            await io.Err.WriteLineAsync($"error: no space left on device ({ex.Message}). Fix: free space there, or choose another --out, --work-dir or --cache-dir.");
            return ExitCodes.OutputError;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            await io.Err.WriteLineAsync($"error: {ex.Message} Fix: check that the --out, --work-dir and --cache-dir folders are folders you can write.");
            return ExitCodes.OutputError;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            await io.Err.WriteLineAsync($"internal error: {ex.GetType().Name}: {ex.Message}\nPlease report it with the command line that caused it.");
            return ExitCodes.Internal;
        }
    }
}
