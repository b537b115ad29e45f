namespace AttentionLego.Cli;

/// <summary>Where commands write: the console in production, string writers in tests.</summary>
public sealed record CliIo(TextWriter Out, TextWriter Err);
