using System.Diagnostics;
using AttentionLego.Gen.IO;

namespace AttentionLego.Tests.Support;

/// <summary>
/// Another live run holding a folder: a <c>flock(1)</c> process that locks it (as an attnlego run that owns it does) and
/// sleeps until disposed or until <paramref name="seconds"/> have passed, so a test that fails early leaves no holder for long.
/// </summary>
public sealed class FolderHolder : IDisposable
{
    private readonly Process _process;

    private FolderHolder(Process process) => _process = process;

    public int Pid => _process.Id;

    /// <summary>Starts the holder and returns once the lock is taken (<c>/proc/locks</c> names it).</summary>
    public static FolderHolder Start(string folder, int seconds = 60, string? then = null)
    {
        // -o: only flock itself holds the lock, not its command. Without it the command inherits the locked descriptor, and
        // after Dispose (which waits for flock alone) a killed sleep could still hold the folder for a moment: a run started
        // right after then found it held (seen once in a full suite run).
        var process = then is null
            ? Process.Start("flock", ["-o", folder, "sleep", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture)])
            : Process.Start("flock", ["-o", folder, "sh", "-c", then]);
        for (var until = DateTime.UtcNow.AddSeconds(10); FileLock.HolderPid(folder) != process.Id && DateTime.UtcNow < until;)
        {
            Thread.Sleep(10);
        }

        if (FileLock.HolderPid(folder) != process.Id)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"flock did not take {folder} within 10 s");
        }

        return new FolderHolder(process);
    }

    public void Dispose()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        catch (InvalidOperationException)
        {
            // ended already
        }

        _process.Dispose();
    }
}
